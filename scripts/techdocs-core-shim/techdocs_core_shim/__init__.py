"""A stand-in for the techdocs-core mkdocs plugin, for machines that cannot install it from PyPI.

It does the two things Backstage needs from techdocs-core: the material theme, and site_name and
site_description in techdocs_metadata.json. It does not add techdocs-core's markdown extensions.
"""
import json
import os

from mkdocs.plugins import BasePlugin
from mkdocs.theme import Theme


class TechDocsCoreShim(BasePlugin):
    def on_config(self, config):
        if config["theme"].name != "material":
            config["theme"] = Theme(name="material")
        return config

    def on_post_build(self, config):
        path = os.path.join(config["site_dir"], "techdocs_metadata.json")
        metadata = {}
        if os.path.exists(path):
            with open(path, encoding="utf-8") as handle:
                metadata = json.load(handle)
        metadata.setdefault("site_name", config.get("site_name") or "Documentation Site")
        metadata.setdefault("site_description", config.get("site_description") or "None")
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(metadata, handle)
