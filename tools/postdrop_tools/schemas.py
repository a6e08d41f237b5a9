"""The JSON Schemas in schemas/, generated from the models. `make schemas` rewrites them."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import BaseModel

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas"


def _models() -> dict[str, type[BaseModel]]:
    from postdrop.model import NormalizedPost

    models: dict[str, type[BaseModel]] = {"normalized-post.v1.json": NormalizedPost}
    try:
        from postdrop.notification import NotificationMessage
    except ImportError:  # pragma: no cover - before the notification contract exists
        return models
    models["notification.v1.json"] = NotificationMessage
    return models


def render(model: type[BaseModel]) -> str:
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **model.model_json_schema(mode="serialization"),
    }
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def expected() -> dict[str, str]:
    """File name -> the text the committed schema file must have."""
    return {name: render(model) for name, model in _models().items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="rewrite the files in schemas/")
    args = parser.parse_args()
    for name, text in expected().items():
        path = SCHEMA_DIR / name
        if args.write:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
        else:
            print(text)


if __name__ == "__main__":
    main()
