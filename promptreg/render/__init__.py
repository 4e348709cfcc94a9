"""Turning a prompt into messages and counting them: the only layer importing Jinja2
and tiktoken. Nothing is imported here, so `import promptreg` stays light.

analysis  what a template reads and why it cannot run, without rendering (the linter)
literals  the fixed text a template joins from its literals (X001 scans it for keys)
budget    what one render may spend, and the checks that charge it (no Jinja2)
sandbox   the bounded environment a caller owns: compile and render within the budget
prompt    Prompt (compiled messages, ready to render) and VariableBinder
values    text typed by a person (command line, form field) read as declared types
tokens    offline token counts, and the TokenCounter a caller owns
"""
