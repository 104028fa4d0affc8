"""An article page and the feed item that only summarises it, for tests of full text."""

from __future__ import annotations

from server import LocalServer

PARAGRAPHS = [
    "中国和俄罗斯今年加强了政治、经济和军事方面的关系，两国都对西方越来越大的压力表示了不满。" * 2,
    "俄罗斯科学院远东研究所的高级研究员说，俄罗斯依靠中国庞大的产业经济购买石油和天然气。" * 2,
    "新加坡南洋理工大学的副教授说，两国希望阻止美国驱动下的那种软实力的回归。" * 2,
    "分析人士说，中俄冷战时代的猜忌有可能使双方的合作局限于宽泛或非正式的行动。" * 2,
]


def page(title: str) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return f"""<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><title>{title}</title>
<meta property="article:published_time" content="2021-12-04T02:32:08Z"></head><body>
<nav><a href="/">首页</a> <a href="/world">国际</a></nav>
<article><h1>{title}</h1>{body}</article>
<aside><h2>相关新闻</h2><ul><li><a href="/x">别的文章</a></li></ul></aside>
<footer>版权所有</footer></body></html>""".encode()


def summary_item(server: LocalServer, n: int) -> dict[str, str]:
    return {
        "title": f"文章 {n}",
        "link": server.url(f"/a/{n}.html"),
        "guid": f"g{n}",
        "pubDate": "Sat, 04 Dec 2021 02:39:03 GMT",
        "description": "中俄加深非正式同盟关系……阅读全文",
    }
