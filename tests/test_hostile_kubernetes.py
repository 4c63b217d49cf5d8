"""Hostile Kubernetes manifests: a multi-document file is read once, whatever its number of documents.

Each document used to be parsed apart, padded with as many empty lines as came before it (to keep
line numbers), so the cost grew with the square of the file: an 8 MB manifest of small documents
did not finish. The stream is now composed once; positions stay those of the whole file.
"""

from __future__ import annotations

import pytest

from scalexpert.importers.documents import split_documents
from scalexpert.loader import yamlsource

pytestmark = pytest.mark.hostile("budgets")


def manifest(count: int) -> str:
    return "".join(f"---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{i}\ndata: {{k: v}}\n" for i in range(count))


def test_a_manifest_of_many_documents_is_parsed_in_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[int] = []
    original = yamlsource._Loader

    def counting(text: str) -> object:
        made.append(len(text))
        return original(text)

    monkeypatch.setattr(yamlsource, "_Loader", counting)
    text = manifest(2_000)
    documents = split_documents(text, "m.yaml", "m.yaml")
    assert len(documents) == 2_000 and made == [len(text)]
    last = documents[-1]
    assert last.value["metadata"]["name"] == "c1999" and last.line("metadata", "name") == 6 * 1999 + 5
    assert last.source.position(("kind",)).line == 6 * 1999 + 3

