"""schema.org metadata (JSON-LD) of a story, for search engines."""

from __future__ import annotations

from datetime import datetime

from newssite.config import SiteConfig
from newssite.model import LiveCoverage, Photo, Series, Story
from newssite.urls import absolute

# The schema.org type of each story type (model.STORY_TYPES); a live story is LiveBlogPosting.
SCHEMA_TYPES = {
    "news": "NewsArticle",
    "opinion": "OpinionNewsArticle",
    "analysis": "AnalysisNewsArticle",
    "review": "ReviewNewsArticle",
    "explainer": "BackgroundNewsArticle",
    "sponsored": "AdvertiserContentArticle",
}


def organization_jsonld(config: SiteConfig) -> dict[str, object]:
    """The newsroom as a schema.org NewsMediaOrganization: its name, logo, founding date
    and policy pages ([organization] in the config), every URL absolute."""
    organization = config.organization
    data: dict[str, object] = {
        "@type": "NewsMediaOrganization",
        "name": organization.name if organization is not None else config.title,
        "url": config.base_url,
    }
    if organization is None:
        return data
    if organization.logo:
        data["logo"] = {"@type": "ImageObject", "url": absolute(organization.logo, config.base_url)}
    if organization.founding_date:
        data["foundingDate"] = organization.founding_date
    for prop, url in organization.policies:
        data[prop] = absolute(url, config.base_url)
    return data


def front_page_jsonld(config: SiteConfig) -> dict[str, object]:
    """The front page's JSON-LD: the newsroom itself."""
    return {"@context": "https://schema.org", **organization_jsonld(config)}


def news_article_jsonld(
    story: Story,
    config: SiteConfig,
    modified: datetime | None = None,
    translations: tuple[tuple[str, str], ...] = (),
    series: Series | None = None,
) -> dict[str, object]:
    """schema.org NewsArticle (or the type of the story's type, or LiveBlogPosting) for
    search engines; every author is a Person with a url, a wire byline an Organization.
    `modified` is story.modified when the caller has it already. `translations`: (language,
    URL) of each edition's version, the original (the default edition's) first; `series`
    the series the story is a part of."""
    url = absolute(story.url, config.base_url)
    kind = "LiveBlogPosting" if story.live else SCHEMA_TYPES.get(story.story_type, "NewsArticle")
    authors: list[dict[str, object]] = [
        {"@type": "Person", "name": a.name, "url": absolute(a.url, config.base_url)}
        for a in story.authors
    ]
    if story.byline:
        authors.append({"@type": "Organization", "name": story.byline})
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": kind,
        "headline": story.title[:110],
        "description": story.summary,
        "datePublished": story.date.isoformat(),
        "dateModified": (modified or story.modified).isoformat(),
        "mainEntityOfPage": url,
        "url": url,
        "articleSection": story.section.title,
        "author": authors,
        "publisher": organization_jsonld(config),
        "inLanguage": config.language,
    }
    others = [(code, link) for code, link in translations if link != story.url]
    if others:
        work = [
            {"@type": "NewsArticle", "url": absolute(link, config.base_url), "inLanguage": code}
            for code, link in others
        ]
        if translations[0][1] == story.url:
            data["workTranslation"] = work
        else:
            data["translationOfWork"] = work[0]
    if series is not None:
        data["isPartOf"] = {
            "@type": "CreativeWorkSeries",
            "name": series.title,
            "url": absolute(f"/series/{series.slug}/", config.base_url),
        }
    if story.tags:
        data["keywords"] = [tag.name for tag in story.tags]
    if story.corrections:
        data["correction"] = [
            {"@type": "CorrectionComment", "text": c.text, "datePublished": c.date.isoformat()}
            for c in story.corrections
        ]
    if story.photo:
        data["image"] = _image_objects(story.photo, config)
    if story.dateline:
        data["locationCreated"] = {"@type": "Place", "name": story.dateline}
    if story.sponsor is not None:
        data["sponsor"] = {
            "@type": "Organization",
            "name": story.sponsor.name,
            "url": story.sponsor.url,
        }
    if story.live is not None:
        data.update(_live(story.live, url, config))
    return data


def _live(coverage: LiveCoverage, url: str, config: SiteConfig) -> dict[str, object]:
    """LiveBlogPosting's coverage times and its updates, each a BlogPosting."""
    data: dict[str, object] = {"coverageStartTime": coverage.start.isoformat()}
    if coverage.end is not None:
        data["coverageEndTime"] = coverage.end.isoformat()
    updates = []
    for update in coverage.updates:
        posting: dict[str, object] = {
            "@type": "BlogPosting",
            "headline": (update.title or update.text)[:110],
            "datePublished": update.date.isoformat(),
            "url": f"{url}#{update.anchor}",
            "articleBody": update.text,
        }
        if update.author is not None:
            posting["author"] = {
                "@type": "Person",
                "name": update.author.name,
                "url": absolute(update.author.url, config.base_url),
            }
        else:
            posting["author"] = {"@type": "Organization", "name": config.title}
        updates.append(posting)
    data["liveBlogUpdate"] = updates
    return data


def _image_objects(photo: Photo, config: SiteConfig) -> list[dict[str, object]]:
    """The photo as ImageObjects: its 16:9, 4:3 and 1:1 crops when newssite made them
    (Google asks for the three ratios), else the photo itself; each with caption and credit."""
    made = [rendition for name, rendition in photo.crops if name in ("16x9", "4x3", "1x1")]
    files = [(r.url, r.width, r.height) for r in made] or [(photo.src, photo.width, photo.height)]
    objects: list[dict[str, object]] = []
    for url, width, height in files:
        image: dict[str, object] = {"@type": "ImageObject", "url": absolute(url, config.base_url)}
        if width and height:
            image.update(width=width, height=height)
        if photo.caption:
            image["caption"] = photo.caption
        if photo.credit:
            image["creditText"] = photo.credit
        objects.append(image)
    return objects
