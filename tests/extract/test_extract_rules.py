"""The site rules used can be given: the benchmark's leave-site-out score runs without them."""

from __future__ import annotations

from newsmirror.extract import extract_article
from newsmirror.extract.rules import SiteRule

PARAGRAPH = "这是一篇关于台湾国防预算的新闻报道，内容包括防空系统、导弹部署以及专家的分析意见。" * 3


def test_rules_given_replace_the_site_rules() -> None:
    page = (
        f"<html><body><article><p>{PARAGRAPH}</p><p class='promo'>推广：订阅我们的每日新闻简报，"
        "每天早上送到您的邮箱，内容涵盖国际、财经和科技的最新消息。</p></article></body></html>"
    ).encode()
    drop_promo = SiteRule("example", ("example.com",), drop=("//p[@class='promo']",))
    assert "推广" in extract_article(page, "https://example.com/a", rules=()).text
    assert "推广" not in extract_article(page, "https://example.com/a", rules=(drop_promo,)).text
