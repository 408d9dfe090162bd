"""``core.testing.external_references``: the check the page tests use for "nothing loads from another origin"."""

from zhengwu.core.testing import external_references


def test_it_finds_absolute_and_protocol_relative_references_and_ignores_local_ones_and_nonces():
    html = ('<script src="/static/vendor/echarts/echarts.min.js" nonce="q1cdn9x"></script>'
            "<link rel=stylesheet href='https://cdn.example.com/b.css'><img src=\"//img.example.com/a.png\">"
            '<a href="/cases/?q=cdn">cdn</a>')
    assert external_references(html) == ["https://cdn.example.com/b.css", "//img.example.com/a.png"]
