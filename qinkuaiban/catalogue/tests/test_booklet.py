import io
import shutil
import subprocess

import pytest
from django.urls import reverse

from qinkuaiban.catalogue.demo import seed_demo_data
from qinkuaiban.core import pdf


@pytest.fixture
def demo(db):
    seed_demo_data(stdout=io.StringIO())


def test_booklet_is_a_pdf_with_the_chinese_font_embedded(client, demo, tmp_path):
    response = client.get(reverse("catalogue:booklet"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = response.content
    assert content.startswith(b"%PDF")
    pdffonts = shutil.which("pdffonts")
    if pdffonts is None:
        # A TrueType font file embedded in the document.
        assert b"/FontFile2" in content
        return
    path = tmp_path / "guide.pdf"
    path.write_bytes(content)
    listing = subprocess.run([pdffonts, str(path)], capture_output=True, text=True,
                             check=True).stdout
    rows = listing.splitlines()[2:]
    assert rows, listing
    # Columns: name type encoding emb sub uni; every font must be embedded.
    assert all(row.split()[-5] == "yes" for row in rows), listing
    assert any("WenQuanYi" in row or "QkbCJK" in row for row in rows), listing


def test_booklet_has_a_contents_page_and_a_section_per_item(client, demo):
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("poppler-utils is not installed")
    content = client.get(reverse("catalogue:booklet")).content
    text = subprocess.run([pdftotext, "-layout", "-", "-"], input=content,
                          capture_output=True, check=True).stdout.decode()

    assert "目录" in text
    assert "集中办公区停车证办理" in text
    assert text.count("周转住房配租申请") >= 2  # in the contents and as a section heading


def test_missing_font_gives_a_clear_page_not_a_500(client, demo, monkeypatch):
    monkeypatch.setattr(pdf, "_registered", [])
    monkeypatch.setattr(pdf, "CANDIDATES", (("/nonexistent/font.ttf", 0),))

    response = client.get(reverse("catalogue:booklet"))

    assert response.status_code == 503
    assert "fonts-wqy-zenhei" in response.content.decode()
    assert "中文字体" in response.content.decode()


def test_fonts_with_postscript_outlines_are_skipped(monkeypatch, settings):
    noto = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
    monkeypatch.setattr(pdf, "_registered", [])
    settings.QKB_PDF_FONT = noto

    font = pdf.cjk_font()

    assert font.path != noto
