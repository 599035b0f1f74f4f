"""Check that osvif(8), rendered to text, documents what the code knows.

    manpage.py SRCDIR PAGE

Each list is read from the code; each item must be a tag (a word of the head of a .TP
paragraph) in its section of the page's source, so a mention in passing does not count.
Rendering with every warning on is manpage.sh's part.
"""
import glob
import re
import sys

src, page = sys.argv[1], sys.argv[2]


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def config_keys():
    body = re.search(r"known_keys\[\]\s*=\s*\{(.*?)NULL", read(f"{src}/src/conf.c"), re.S)
    keys = re.findall(r'"([^"]+)"', re.sub(r"/\*.*?\*/", "", body.group(1), flags=re.S))
    assert len(keys) >= 10, f"too few config keys found in src/conf.c: {keys}"
    return keys


def subcommands():
    text = read(f"{src}/src/cli.c")
    body = text[text.index("int osvif_cli_main("):]
    cmds = re.findall(r'strcmp\(cmd, "([^"]+)"\)', body)
    assert {"convert", "validate", "plan"} <= set(cmds), f"sub-commands not found in src/cli.c: {cmds}"
    return cmds


def error_codes():
    body = re.search(r"enum osvif_cni_code\s*\{(.*?)\};", read(f"{src}/src/util/error.h"), re.S)
    codes = re.findall(r"=\s*(\d+)\s*,", body.group(1))
    assert len(codes) >= 10, f"too few error codes found in src/util/error.h: {codes}"
    return codes


def env_vars():
    names = set()
    for path in glob.glob(f"{src}/src/**/*.c", recursive=True) + glob.glob(f"{src}/cni/**/*.c", recursive=True):
        text = read(path)
        names.update(re.findall(r'getenv\("([A-Z_]+)"\)', text))
        names.update(re.findall(r'(?:env_get|dup_env)\(envp, "([A-Z_]+)"', text))
    assert {"CNI_COMMAND", "OSVIF_RUN_DIR"} <= names, f"environment variables not found: {names}"
    return sorted(names)


def roff_text(line):
    """The words of one roff line: font macros and escapes removed."""
    line = re.sub(r"^\.(B|I|R|BR|RB|BI|IB|IR|RI)\s+", "", line)
    line = re.sub(r"\\f[BIRP]|\\c$|\\&", "", line)
    line = line.replace("\\-", "-").replace('\\(dq', '"')
    return line.replace('"', "")


def sections(text):
    """Section name -> the words of its tags: the line after each .TP (a paragraph's head)."""
    out, cur, tag_next = {}, None, False
    for line in text.splitlines():
        if line.startswith(".SH "):
            cur = line[4:].strip().strip('"')
            out[cur] = set()
        elif line.startswith(".TP"):
            tag_next = True
        elif tag_next and cur:
            tag_next = False
            for word in re.split(r"[\s,|\[\]]+", roff_text(line)):
                if word:
                    out[cur].add(word)
    return out


secs = sections(read(page))
missing = []
for what, section, items in (
    ("config key", "CONFIGURATION", config_keys()),
    ("sub-command", "SUB-COMMANDS", subcommands()),
    ("error code", "ERRORS", error_codes()),
    ("environment variable", "ENVIRONMENT", env_vars()),
):
    tags = secs.get(section)
    if tags is None:
        missing.append(f"no section {section}")
        continue
    for item in items:
        if item not in tags:
            missing.append(f"{what} {item!r} is not a tag in {section}")
    print(f"manpage: {len(items)} {what}s, each documented in {section}")
if missing:
    print("FAIL: osvif(8) is behind the code:\n  " + "\n  ".join(missing), file=sys.stderr)
    sys.exit(1)
