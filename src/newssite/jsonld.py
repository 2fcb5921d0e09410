"""schema.org metadata (JSON-LD) of a story, for search engines."""

from __future__ import annotations

from datetime import datetime

from newssite.config import SiteConfig
from newssite.model import Photo, Series, Story
from newssite.urls import absolute


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
    series: Series | None = None,
) -> dict[str, object]:
    """schema.org NewsArticle for search engines; every author is a Person with a url.
    `modified` is story.modified when the caller has it already; `series` the series the
    story is a part of."""
    url = absolute(story.url, config.base_url)
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": story.title[:110],
        "description": story.summary,
        "datePublished": story.date.isoformat(),
        "dateModified": (modified or story.modified).isoformat(),
        "mainEntityOfPage": url,
        "url": url,
        "articleSection": story.section.title,
        "author": [
            {"@type": "Person", "name": a.name, "url": absolute(a.url, config.base_url)}
            for a in story.authors
        ],
        "publisher": organization_jsonld(config),
        "inLanguage": config.language,
    }
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
