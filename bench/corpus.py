"""Generate a corpus of N distinct news-length documents from our example articles.

Each document is an example with variation: actor names swapped for others of the same kind, numbers
changed, paragraphs reordered. Deterministic for a given seed. With `invented=True` the people are
invented names that no gazetteer holds, so the corpus merge has work to do.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PEOPLE = ["Vladimir Putin", "Alexander Lukashenko", "Kassym-Jomart Tokayev", "Nikol Pashinyan", "Ilham Aliyev",
          "Volodymyr Zelensky", "Xi Jinping", "Emmanuel Macron", "Recep Tayyip Erdoğan", "Maia Sandu"]
STATES = ["Russia", "Belarus", "Kazakhstan", "Armenia", "Azerbaijan", "Ukraine", "China", "France", "Turkey",
          "Moldova", "Poland", "Lithuania", "Georgia", "Uzbekistan"]


def _bodies() -> list[str]:
    folder = ROOT / "examples" / "articles"
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
    html = (folder / "summit-page.html").read_text(encoding="utf-8")
    texts.append(re.sub(r"<[^>]+>", "", html.split("<article>")[1].split("</article>")[0]).strip())
    return texts


CONSONANTS, VOWELS = "bdfgklmnprstvz", "aeiou"


def invented_word(rng: random.Random, length: int) -> str:
    """A pronounceable capitalised word of `length` letters that is nobody's name in particular."""
    letters = [rng.choice(VOWELS if i % 2 else CONSONANTS) for i in range(length)]
    return "".join(letters).capitalize()


def _vary(text: str, rng: random.Random, invented: bool = False) -> str:
    for group in (PEOPLE, STATES):
        present = [name for name in group if name in text]
        for name in present:
            if invented and group is PEOPLE:
                first, last = invented_word(rng, rng.randint(4, 7)), invented_word(rng, rng.randint(5, 9))
                text = text.replace(name, f"{first} {last}").replace(name.split()[-1], last)
            else:
                text = text.replace(name, rng.choice(group))
    text = re.sub(r"\b\d[\d,]*\b", lambda m: f"{rng.randint(2, 90000):,}", text)
    head, *paragraphs = text.split("\n\n")
    rng.shuffle(paragraphs)
    return "\n\n".join([head, *paragraphs])


def generate(count: int, seed: int = 7, invented: bool = False) -> list[str]:
    rng = random.Random(seed)
    bodies = _bodies()
    return [_vary(bodies[i % len(bodies)], rng, invented) + f"\n\nCorrection {i}: this item was updated."
            for i in range(count)]


def write(folder: Path, count: int, seed: int = 7) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index, text in enumerate(generate(count, seed)):
        path = folder / f"doc-{index:06d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
