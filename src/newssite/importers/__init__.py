"""`newssite import`: another system's archive (WordPress, Hugo, Jekyll) as a newssite site."""

from __future__ import annotations

from pathlib import Path

from newssite.importers.common import ImportReport, site_setup, site_writer, write_archive

KINDS = ("wordpress", "hugo", "jekyll")


def import_archive(
    kind: str, source: Path, site_dir: Path, *, uploads: Path | None = None, force: bool = False
) -> ImportReport:
    """Read the archive at `source` and write it into site_dir (made when it has no site)."""
    setup = site_setup(site_dir)
    if kind == "wordpress":
        from newssite.importers.wordpress import import_wordpress

        # Each story is written as soon as it is converted: an export's text is never all
        # in memory, nor what was made of it.
        with site_writer(site_dir, setup, force=force) as writer:
            return writer.finish(import_wordpress(source, setup, uploads, writer.put))
    if kind == "hugo":
        from newssite.importers.hugo import import_hugo

        archive = import_hugo(source, setup)
    else:
        from newssite.importers.jekyll import import_jekyll

        archive = import_jekyll(source, setup)
    return write_archive(archive, site_dir, setup, force=force)
