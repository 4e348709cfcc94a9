"""F: the file itself. They stop every other check, so the loader finds them while it
reads: promptreg/core/yamlio.py the bytes and libyaml's events (before any value exists,
so an alias bomb never expands), core/schema.py a top level that is not a mapping. Each
record's LoaderCheck selects the loader's problems with its code."""

from __future__ import annotations

from promptreg.lint.rule import LoaderCheck, Rule, RuleDoc

_REFUSED = "The file is not checked further until this is fixed."
_READER = LoaderCheck("promptreg/core/yamlio.py")
_TOP_LEVEL = LoaderCheck("promptreg/core/schema.py")

RULES: tuple[Rule, ...] = (
    Rule(
        "F001",
        "yaml-syntax-error",
        "The file is not valid YAML.",
        RuleDoc(
            what="YAML that the parser cannot read: bad indentation, an unclosed bracket or "
            "quote, a tab used for indentation, a control character.",
            why="Nothing else can be checked in a file that cannot be parsed. " + _REFUSED,
            example="messages:\n  - role: user\n    content: [unclosed\n",
            use_instead='messages:\n  - role: user\n    content: "[unclosed"\n',
        ),
        check=_READER,
    ),
    Rule(
        "F002",
        "duplicate-key",
        "A mapping has the same key twice.",
        RuleDoc(
            what="A key that appears twice in the same mapping.",
            why="Most YAML parsers silently keep the last value, so a reviewer reading the "
            "first one approves something that is not what runs.",
            example="model:\n  name: gpt-4o-mini\n  name: gpt-4o\n",
            use_instead="model:\n  name: gpt-4o\n",
        ),
        check=_READER,
    ),
    Rule(
        "F003",
        "yaml-anchor-or-alias",
        "The file uses a YAML anchor (&name) or alias (*name).",
        RuleDoc(
            what="Anchors and aliases anywhere in the file.",
            why="Nested aliases expand exponentially (the 'billion laughs' attack): a few "
            "hundred bytes can become gigabytes in any tool that reads the file. Prompt files "
            "come from pull requests, so they are refused outright.",
            example="defaults: &d {temperature: 0}\nmodel: *d\n",
            use_instead="model: {name: gpt-4o-mini, temperature: 0}\n",
        ),
        check=_READER,
    ),
    Rule(
        "F004",
        "yaml-tag",
        "The file uses an explicit YAML tag such as !!python/object.",
        RuleDoc(
            what="Any explicit tag (`!!str`, `!!python/object`, `!custom`).",
            why="Tags ask the reader to construct objects; unsafe loaders run code for them. "
            "Plain values are all a prompt needs.",
            example='title: !!python/object/apply:os.system ["id"]\n',
            use_instead="title: Summarise a ticket\n",
        ),
        check=_READER,
    ),
    Rule(
        "F005",
        "file-too-large",
        "The file is larger than 1 MiB.",
        RuleDoc(
            what="Files over 1,048,576 bytes.",
            why="A prompt file is read by every lint run, hook and CI job; a huge one is "
            "almost always pasted data or an attempt to exhaust memory. " + _REFUSED,
            example="(a 5 MB prompt file with a pasted document in an eval case)",
            use_instead="Keep eval inputs short; move large fixtures out of the registry.",
        ),
        check=_READER,
    ),
    Rule(
        "F006",
        "invalid-utf8",
        "The file is not valid UTF-8.",
        RuleDoc(
            what="Bytes that do not decode as UTF-8; the finding points at the first one.",
            why="Prompts are hashed and compared byte for byte; a file in another encoding "
            "renders differently on different machines.",
            example="title: Caf\\xe9 menu   (Latin-1 byte 0xE9)\n",
            use_instead="title: Café menu   (saved as UTF-8)\n",
        ),
        check=_READER,
    ),
    Rule(
        "F007",
        "byte-order-mark",
        "The file starts with a byte-order mark.",
        RuleDoc(
            what="A UTF-8 or UTF-16 byte-order mark at the start of the file.",
            why="A BOM is invisible in editors, breaks the schema modeline on line 1, and "
            "changes the bytes that are hashed.",
            example="\\ufeff# yaml-language-server: ...\n",
            use_instead="# yaml-language-server: ...   (saved as UTF-8 without BOM)\n",
        ),
        check=_READER,
    ),
    Rule(
        "F008",
        "nesting-too-deep",
        "Mappings and lists are nested more than 32 levels deep.",
        RuleDoc(
            what="Nesting deeper than 32 levels.",
            why="Deep nesting is a denial-of-service vector for recursive readers and never "
            "needed by a prompt; the deepest legitimate structure is an output schema.",
            example="a: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n",
            use_instead="Flatten the structure.",
        ),
        check=_READER,
    ),
    Rule(
        "F009",
        "document-not-a-mapping",
        "The file is empty or its top level is not a mapping.",
        RuleDoc(
            what="An empty file, or a top level that is a list or a single value.",
            why="A prompt file is a mapping of fields (id, version, messages, ...).",
            example="- just\n- a list\n",
            use_instead="id: support/summarize-ticket\nversion: 1.0.0\n...\n",
        ),
        check=_TOP_LEVEL,
    ),
    Rule(
        "F010",
        "multiple-documents",
        "The file holds more than one YAML document.",
        RuleDoc(
            what="A second document after a `---` separator.",
            why="One file is one prompt with one history and one approval; a second "
            "document would be invisible to tools that read only the first.",
            example="id: a/one\n---\nid: a/two\n",
            use_instead="Put each prompt in its own file.",
        ),
        check=_READER,
    ),
    Rule(
        "F011",
        "non-string-key",
        "A mapping key is a list or a mapping.",
        RuleDoc(
            what="Complex keys (`? [a, b]: value`).",
            why="Prompt files map onto JSON, whose keys are strings.",
            example="? [a, b]\n: value\n",
            use_instead="a_b: value\n",
        ),
        check=_READER,
    ),
    Rule(
        "F012",
        "unreadable-file",
        "The file cannot be read.",
        RuleDoc(
            what="Files that cannot be opened: missing, a directory, no permission.",
            why="A path given to the linter that it cannot read is an error, not a silent skip.",
            example="promptreg lint registry/missing.prompt.yaml",
            use_instead="Check the path and its permissions.",
        ),
        check=_READER,
    ),
    Rule(
        "F013",
        "symlink-in-registry",
        "A symbolic link inside the registry.",
        RuleDoc(
            what="A symbolic link anywhere below the registry folder, to a file or to a "
            "folder, wherever it points; and a prompt file given to the linter that is "
            "a link. Nothing is read through it.",
            why="What the linter checks must be what the SDK serves. The walk does not "
            "descend into a linked folder, while a lookup by id would follow it: a "
            "prompt behind the link would be served without ever being checked, and a "
            "link can point outside the registry. The SDK refuses such a path too.",
            example="ln -s ../../elsewhere registry/support/extra",
            use_instead="Keep the files themselves in the registry (`git mv`), one name for each.",
        ),
        check=LoaderCheck("promptreg/core/links.py"),
    ),
)
