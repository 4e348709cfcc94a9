"""Turning a prompt into messages and counting them: the only layer importing Jinja2
and tiktoken. Nothing is imported here, so `import promptreg` stays light.

analysis  what a template reads and why it cannot run, without rendering (the linter)
literals  the fixed text a template joins from its literals (X001 scans it for keys)
nesting   how deeply a template may nest, checked as it is parsed
taint     where each variable's value is printed, through the names it is copied to
budget    what one render may spend, and the checks that charge it (no Jinja2)
measure   how long a value's text would be, bounded without building it
guards    the filters and the str, bytes and int methods, each bounded
sandbox   the bounded environment a caller owns: compile and render within the budget
prompt    Prompt (compiled messages, ready to render) and VariableBinder
values    text typed by a person (command line, form field) read as declared types
tokens    offline token counts, and the TokenCounter a caller owns
"""
