"""Adversarial Markdown, and a realistic long document, for tests/security/test_markdown_bombs.py
and bench/markdown_storm.py. Each bomb is a function of the size in characters: it repeats one
construct python-markdown handles badly (quadratic or worse, or recursive) up to that size."""
import random


def _fill(unit: str, n: int) -> str:
    return (unit * (n // len(unit) + 1))[:n]


_BOMBS = {
    # links and references: each unclosed bracket makes the inline parser scan to the end
    "reference_open": lambda n: _fill("[a][", n),
    "brackets_open": lambda n: _fill("[", n),
    "brackets_nested": lambda n: "[" * (n // 2) + "]" * (n - n // 2),
    "link_open": lambda n: _fill("[a](", n),
    "image_open": lambda n: _fill("![a](", n),
    "link_title_open": lambda n: _fill('[a](b "', n),
    "footnote_chain": lambda n: "".join(f"[^{i}]: x[^{i + 1}]\n" for i in range(n // 16 + 1)),
    "reference_definitions": lambda n: "".join(f"[r{i}]: http://example.org/{i}\n" for i in range(n // 30 + 1)),
    # emphasis delimiter runs
    "emphasis_alternating": lambda n: _fill("*_", n),
    "emphasis_mixed": lambda n: _fill("*a**", n),
    "emphasis_underscores": lambda n: _fill("_a __", n),
    "backslashes": lambda n: _fill("\\", n),
    "backticks_alternating": lambda n: _fill("`a``", n),
    # nesting
    "blockquote_nested": lambda n: ">" * (n - 2) + " a",
    "blockquote_staircase": lambda n: "".join(">" * (i % 40 + 1) + " a\n" for i in range(n))[:n],
    "list_nested": lambda n: "".join("    " * (i % 200) + "- a\n" for i in range(n))[:n],
    "definition_list_chain": lambda n: _fill("a\n: b\n", n),
    # tables
    "table_wide": lambda n: _fill("|a", n // 2 - 2) + "|\n" + _fill("|-", n // 2 - 2) + "|\n",
    "table_long": lambda n: "|a|b|\n|-|-|\n" + _fill("|c|d|\n", n - 12),
    # blocks
    "headings_one_block": lambda n: _fill("# h\n", n),
    "headings_duplicate": lambda n: _fill("# a\n\n", n),
    "rules_one_block": lambda n: _fill("***\n", n),
    "abbreviations": lambda n: _fill("A1 ", max(3, n // 10)) + "\n\n" + "".join(f"*[A{i}]: x\n" for i in range(n // 10)),
    "attribute_lists": lambda n: _fill("# a {", n),
    "fences_open": lambda n: _fill("```\n", n),
}

# Each bomb at exactly the size asked for (the doors refuse one character more).
def _exactly(make):
    return lambda n: make(n)[:n]


BOMBS = {name: _exactly(make) for name, make in _BOMBS.items()}


def realistic_document(size: int, seed: int = 1) -> str:
    """A secretariat working document of about `size` characters: parts and headings, numbered
    paragraphs with footnotes, links and inline code, tables, nested lists, quotations."""
    r = random.Random(seed)
    words = ("the social partners agree that employment policy shall consider decent work migration "
             "youth skills wage protection dialogue regional economic community member states ministry "
             "labour federation").split()

    def sentence(k=18):
        return " ".join(r.choice(words) for _ in range(k)).capitalize() + "."

    out = ["# Draft protocol on labour migration\n\n*Working document* of the **Tripartite Committee**. "
           "See [the annex](https://example.org/annex).\n"]
    i = note = 0
    while sum(len(x) + 1 for x in out) < size:
        i += 1
        if i % 12 == 1:
            out.append(f"## Part {i // 12 + 1}: {sentence(5)}\n")
        if i % 9 == 0:
            out.append("| Member state | Ratified | Year | Notes |\n|---|:---:|---:|---|\n"
                       + "".join(f"| State {k} | yes | {2000 + k} | {sentence(6)} |\n" for k in range(8)))
        elif i % 7 == 0:
            out.append("".join(f"{k}. {sentence(10)}\n" for k in range(1, 6)))
        elif i % 5 == 0:
            out.append(f"- {sentence(8)}\n- {sentence(8)}\n    - {sentence(6)}\n")
        elif i % 11 == 0:
            out.append(f"> {sentence(20)}\n")
        else:
            note += 1
            out.append(f"{i}. {sentence(30)} {sentence(25)}[^{note}] *{r.choice(words)}* and `art. {i}` "
                       f"([ref](https://example.org/{i})).\n")
            out.append(f"[^{note}]: {sentence(12)}\n")
    return "\n".join(out)[:size]
