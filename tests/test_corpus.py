"""Reading corpora: formats, outlet resolution, decoding and bad input."""
import gzip
import io
import json

import pytest

from framelens import read_corpus
from framelens.corpus import FieldMap, domain_of, outlet_from_text
from framelens.errors import InputError


def test_seed_outlets_come_from_the_manifest(seeds_dir):
    articles = list(read_corpus(seeds_dir))
    assert [(a.article_id, a.outlet, a.date) for a in articles] == [
        ("000_108a7d3402463aed", "Sky News", None),
        ("001_96134ee0910ccc69", "Observer Diplomat", None),
        ("002_f02d9b5768855bec", "Unattributed (002)", "2025-01-17"),
        ("003_5ec0ec647b62a493", "Unattributed (003)", None),
        ("004_1ee7815bde6dcd5e", "EU Global", None),
    ]


def test_outlet_from_source_line_then_url_then_file_name(tmp_path):
    (tmp_path / "a.txt").write_text("Text one.\nOriginal Source: https://www.news.sky.com/story/1\n", "utf-8")
    (tmp_path / "b.txt").write_text("As reported at https://www.tasnimnews.com/en/news/1 the pact.\n", "utf-8")
    (tmp_path / "c.txt").write_text("No hint at all.\n", "utf-8")
    assert [a.outlet for a in read_corpus(tmp_path)] == ["news.sky.com", "tasnimnews.com", "c"]


def test_record_field_wins_over_manifest(tmp_path):
    (tmp_path / "outlets.csv").write_text("file,outlet\nd.jsonl,Manifest Outlet\n", "utf-8")
    lines = [{"id": "x1", "text": "First.", "outlet": "Record Outlet"}, {"text": "Second."}]
    (tmp_path / "d.jsonl").write_text("\n".join(json.dumps(r) for r in lines), "utf-8")
    assert [(a.article_id, a.outlet) for a in read_corpus(tmp_path)] == [
        ("x1", "Record Outlet"), ("d:2", "Manifest Outlet"),
    ]


def test_csv_with_mapped_columns(tmp_path):
    (tmp_path / "e.csv").write_text("story,source,when\nThe pact was signed.,Wire,2025-01-17\n", "utf-8")
    fields = FieldMap(text="story", outlet="source", date="when")
    [article] = read_corpus(tmp_path / "e.csv", fields=fields)
    assert (article.article_id, article.outlet, article.text, article.date) == (
        "e:2", "Wire", "The pact was signed.", "2025-01-17",
    )


def test_bom_and_unicode_normalisation(tmp_path):
    path = tmp_path / "f.txt"
    path.write_bytes("\ufeffThe\u00a0treaty ﬁnally\r\nwas signed.".encode("utf-8"))
    [article] = read_corpus(path)
    assert article.text == "The treaty finally\nwas signed."


def test_legacy_encoding_with_option(tmp_path):
    path = tmp_path / "g.txt"
    path.write_bytes("Caf\xe9 diplomacy \x93works\x94.".encode("latin-1"))
    [article] = read_corpus(path, encoding="cp1252")
    assert article.text == "Café diplomacy “works”."


def test_stdin_plain_text_and_jsonl():
    [article] = read_corpus("-", stdin=io.TextIOWrapper(io.BytesIO(b"One article.\n")))
    assert (article.article_id, article.outlet, article.text) == ("stdin", "stdin", "One article.\n")
    records = b'{"id": "s1", "text": "A.", "outlet": "O"}\n{"id": "s2", "text": "B."}\n'
    articles = list(read_corpus("-", stdin=io.TextIOWrapper(io.BytesIO(records))))
    assert [(a.article_id, a.outlet) for a in articles] == [("s1", "O"), ("s2", "stdin")]


def test_gzip_jsonl(tmp_path):
    with gzip.open(tmp_path / "h.jsonl.gz", "wt", encoding="utf-8") as handle:
        handle.write(json.dumps({"id": "g1", "text": "Zipped."}) + "\n")
    [article] = read_corpus(tmp_path)
    assert (article.article_id, article.text) == ("g1", "Zipped.")


def test_domain_and_source_line_helpers():
    assert domain_of("https://www.news.sky.com/story") == "news.sky.com"
    assert outlet_from_text("x\nOriginal Source: news.sky.com\n") == "news.sky.com"
    assert outlet_from_text("nothing here") is None


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("empty.txt", b"", "empty.txt: file is empty; remove it or give it some text"),
        ("blank.txt", b"  \n\n", "blank.txt: file is empty; remove it or give it some text"),
        ("bin.txt", b"\x00\x01\x02PNG", "bin.txt: looks like a binary file, not text; remove it from the input"),
        ("latin.txt", "Café".encode("latin-1"),
         "latin.txt: not valid utf-8 (byte 0xe9 at offset 3); re-save it as UTF-8 or pass --encoding cp1252 "
         "(or latin-1) for legacy files"),
        ("notext.csv", b"title,summary\nA,B\n",
         "notext.csv: no 'text' column (columns: title, summary); name the text column with --text-column"),
        ("bad.jsonl", b'{"text": "ok"}\n{oops\n', "bad.jsonl, line 2: not valid JSON (Expecting property name "
         "enclosed in double quotes); fix or remove the line"),
    ],
)
def test_bad_files_raise_one_line_errors(tmp_path, name, content, message):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(InputError) as error:
        list(read_corpus(name))
    assert str(error.value) == message


def test_missing_path_and_empty_directory(tmp_path):
    with pytest.raises(InputError, match=r"^nope: no such file or directory; check the path$"):
        list(read_corpus("nope"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError) as error:
        list(read_corpus("empty"))
    assert str(error.value) == "empty: directory has no .txt, .jsonl, .csv or .html files; point at a directory of articles"


def test_media_cloud_export_columns_are_recognised(tmp_path):
    (tmp_path / "mc.csv").write_text(
        "stories_id,publish_date,title,url,media_name,text\n"
        "101,2025-01-18 09:00:00,Pact signed,https://www.example-news.com/a,Example News,The pact was signed.\n",
        "utf-8",
    )
    [article] = read_corpus(tmp_path / "mc.csv")
    assert (article.article_id, article.outlet, article.title, article.url, article.date) == (
        "101", "Example News", "Pact signed", "https://www.example-news.com/a", "2025-01-18 09:00:00",
    )


def test_gzip_csv_streams_records(tmp_path):
    with gzip.open(tmp_path / "c.csv.gz", "wt", encoding="utf-8", newline="") as handle:
        handle.write('id,text\nz1,"First, with a comma."\nz2,"Second\nspans two lines."\n')
    assert [(a.article_id, a.text) for a in read_corpus(tmp_path)] == [
        ("z1", "First, with a comma."), ("z2", "Second\nspans two lines."),
    ]


def test_non_utf8_inside_a_large_jsonl(tmp_path):
    (tmp_path / "l.jsonl").write_bytes(b'{"text": "ok"}\n{"text": "caf\xe9"}\n')
    with pytest.raises(InputError) as error:
        list(read_corpus(tmp_path / "l.jsonl"))
    assert str(error.value) == (
        f"{tmp_path / 'l.jsonl'}, near line 1: not valid utf-8; re-save it as UTF-8 or pass --encoding cp1252 "
        "(or latin-1) for legacy files"
    )


def test_html_page_main_text(tmp_path):
    paragraph = "Russia and Iran signed a comprehensive strategic partnership treaty in Moscow on Friday. " * 3
    (tmp_path / "page.html").write_text(
        "<html><head><title>Pact</title></head><body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>Treaty signed</h1><p>{paragraph}</p><p>The agreement runs for twenty years and covers "
        "trade, energy and transport between the two countries.</p></article>"
        "<footer>Copyright 2025 Example Media. All rights reserved.</footer></body></html>",
        "utf-8",
    )
    [article] = read_corpus(tmp_path / "page.html")
    assert "strategic partnership treaty in Moscow" in article.text
    assert "runs for twenty years" in article.text
    assert "Home" not in article.text and "Copyright" not in article.text
