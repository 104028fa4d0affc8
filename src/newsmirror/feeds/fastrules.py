"""The tables behind feedparser's output that the fast path must follow, written out here.

feedparser's public interface is ``feedparser.parse`` and the dictionary it returns; the
tables that decide what lands in that dictionary (which namespaces it knows and by what
prefix, which elements it has handlers for, which HTML tags make plain text count as HTML...)
live in its internals, whose names and places change between releases. Importing them would
make every newsmirror command fail at import the day one moves, so they are written out from
feedparser 6.0 instead. tests/feeds/test_feeds_fast_rules.py checks each one against what
``feedparser.parse`` does with the installed feedparser (the handled-element lists through a
sample of unhandled elements and a sweep of every handled one through both paths), and the
equivalence tests compare whole results, so a feedparser release that changes a rule fails
tests; in a run, whatever the fast path cannot vouch for goes to feedparser.parse.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Namespace URI (lower case) -> feedparser's prefix for it ("" for the feed formats themselves).
_FEED_FORMATS = """
    http://backend.userland.com/rss http://blogs.law.harvard.edu/tech/rss
    http://purl.org/rss/1.0/ http://my.netscape.com/rdf/simple/0.9/ http://example.com/newformat#
    http://example.com/necho http://purl.org/echo/ uri/of/echo/namespace# http://purl.org/pie/
    http://purl.org/atom/ns# http://www.w3.org/2005/Atom http://purl.org/rss/1.0/modules/rss091#
"""
_PREFIXED = {
    "http://webns.net/mvcb/": "admin",
    "http://purl.org/rss/1.0/modules/aggregation/": "ag",
    "http://purl.org/rss/1.0/modules/annotate/": "annotate",
    "http://media.tangent.org/rss/1.0/": "audio",
    "http://backend.userland.com/blogChannelModule": "blogChannel",
    "http://creativecommons.org/ns#license": "cc",
    "http://web.resource.org/cc/": "cc",
    "http://cyber.law.harvard.edu/rss/creativeCommonsRssModule.html": "creativeCommons",
    "http://backend.userland.com/creativeCommonsRssModule": "creativeCommons",
    "http://purl.org/rss/1.0/modules/company": "co",
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://my.theinfo.org/changed/1.0/rss/": "cp",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://purl.org/dc/terms/": "dcterms",
    "http://purl.org/rss/1.0/modules/email/": "email",
    "http://purl.org/rss/1.0/modules/event/": "ev",
    "http://rssnamespace.org/feedburner/ext/1.0": "feedburner",
    "http://freshmeat.net/rss/fm/": "fm",
    "http://xmlns.com/foaf/0.1/": "foaf",
    "http://www.w3.org/2003/01/geo/wgs84_pos#": "geo",
    "http://www.georss.org/georss": "georss",
    "http://www.opengis.net/gml": "gml",
    "http://postneo.com/icbm/": "icbm",
    "http://purl.org/rss/1.0/modules/image/": "image",
    "http://www.itunes.com/DTDs/PodCast-1.0.dtd": "itunes",
    "http://example.com/DTDs/PodCast-1.0.dtd": "itunes",
    "http://purl.org/rss/1.0/modules/link/": "l",
    "http://search.yahoo.com/mrss": "media",
    "http://search.yahoo.com/mrss/": "media",
    "http://madskills.com/public/xml/rss/module/pingback/": "pingback",
    "http://prismstandard.org/namespaces/1.2/basic/": "prism",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf",
    "http://www.w3.org/2000/01/rdf-schema#": "rdfs",
    "http://purl.org/rss/1.0/modules/reference/": "ref",
    "http://purl.org/rss/1.0/modules/richequiv/": "reqv",
    "http://purl.org/rss/1.0/modules/search/": "search",
    "http://purl.org/rss/1.0/modules/slash/": "slash",
    "http://schemas.xmlsoap.org/soap/envelope/": "soap",
    "http://purl.org/rss/1.0/modules/servicestatus/": "ss",
    "http://hacks.benhammersley.com/rss/streaming/": "str",
    "http://purl.org/rss/1.0/modules/subscription/": "sub",
    "http://purl.org/rss/1.0/modules/syndication/": "sy",
    "http://schemas.pocketsoap.com/rss/myDescModule/": "szf",
    "http://purl.org/rss/1.0/modules/taxonomy/": "taxo",
    "http://purl.org/rss/1.0/modules/threading/": "thr",
    "http://purl.org/rss/1.0/modules/textinput/": "ti",
    "http://madskills.com/public/xml/rss/module/trackback/": "trackback",
    "http://wellformedweb.org/commentAPI/": "wfw",
    "http://purl.org/rss/1.0/modules/wiki/": "wiki",
    "http://www.w3.org/1999/xhtml": "xhtml",
    "http://www.w3.org/1999/xlink": "xlink",
    "http://www.w3.org/XML/1998/namespace": "xml",
    "http://podlove.org/simple-chapters": "psc",
}
NAMESPACES: dict[str, str] = {
    **{uri.lower(): "" for uri in _FEED_FORMATS.split()},
    **{uri.lower(): prefix for uri, prefix in _PREFIXED.items()},
}

# Elements feedparser has a start or an end handler for (prefix_local, as it names them).
# The fast path replays those it ports (fasttables) and declines documents with the others.
_BOTH = """
    abstract author body category channel content content_encoded contributor copyright
    created creativeCommons_license creativecommons_license dc_author dc_contributor
    dc_creator dc_date dc_description dc_language dc_publisher dc_rights dc_subject dc_title
    dcterms_created dcterms_issued dcterms_modified dcterms_valid description email entry
    expirationdate feed feedburner_browserfriendly fullitem generator georss_box georss_line
    georss_point georss_polygon georss_where gml_exterior gml_linearring gml_linestring
    gml_point gml_polygon gml_pos gml_poslist guid height homepage id image info issued item
    itunes_author itunes_category itunes_email itunes_name itunes_owner itunes_subtitle
    itunes_summary keywords language lastbuilddate link managingeditor media_category
    media_credit media_description media_license media_player media_rating media_restriction
    media_thumbnail media_title modified name newlocation psc_chapters pubdate published rights
    source subtitle summary tagline tags textInput textinput title updated uri url webmaster
    where width xhtml_body
"""
HANDLED_STARTS = _words(
    _BOTH + "cc_license cloud enclosure georssgeom itunes_image itunes_link media_content"
    " media_group psc_chapter rss"
)
HANDLED_ENDS = _words(_BOTH + "geom itunes_block itunes_explicit itunes_keywords media_keywords")

# Keys feedparser's result dictionary stores under another name (FeedParserDict's aliases).
KEYMAP = {
    "channel": "feed",
    "items": "entries",
    "guid": "id",
    "date": "updated",
    "date_parsed": "updated_parsed",
    "description": "summary",
    "description_detail": "summary_detail",
    "url": "href",
    "modified": "updated",
    "modified_parsed": "updated_parsed",
    "issued": "published",
    "issued_parsed": "published_parsed",
    "copyright": "rights",
    "copyright_detail": "rights_detail",
    "tagline": "subtitle",
    "tagline_detail": "subtitle_detail",
}

# Elements whose text feedparser resolves against xml:base.
CAN_BE_RELATIVE = _words("comments docs href icon id link logo url wfw_comment wfw_commentrss")

# The tags feedparser's sanitizer accepts: plain text with only these tags (and an end tag or
# an entity) counts as HTML.
HTML_ELEMENTS = _words("""
    a abbr acronym address area article aside audio b big blockquote br button canvas caption
    center cite code col colgroup command datagrid datalist dd del details dfn dialog dir div
    dl dt em event-source fieldset figcaption figure font footer form h1 h2 h3 h4 h5 h6 header
    hr i img input ins kbd keygen label legend li m map menu meter multicol nav nextid noscript
    ol optgroup option output p pre progress q s samp section select small sound source spacer
    span strike strong sub sup table tbody td textarea tfoot th thead time tr tt u ul var video
""")

# URI schemes an xml:base may resolve to; any other makes the base "".
URI_SCHEMES = _words("""
    file ftp gopher h323 hdl http https imap magnet mailto mms news nntp prospero rsync rtsp
    rtspu sftp shttp sip sips snews svn svn+ssh telnet wais aim callto cvs facetime feed git
    gtalk irc ircs irc6 itms msnim skype ssh smb ymsg
""")


def _c1_as_cp1252() -> dict[int, str]:
    """C1 controls -> the Windows-1252 characters they stand for, as feedparser maps them; the
    five bytes cp1252 leaves undefined stay as they are."""
    table: dict[int, str] = {}
    for code in range(0x80, 0xA0):
        try:
            table[code] = bytes([code]).decode("cp1252")
        except UnicodeDecodeError:
            continue
    return table


C1_AS_CP1252 = _c1_as_cp1252()
