"""The settings of the eleven indicators, as Cardinal (cardinal-rs 0.0.8) reads them.

Global settings: ``currency``, ``no_price_comparison_procurement_methods``, ``price_comparison_procurement_methods``
(pipe-separated procurement method details) and ``[exclusions] procurement_method_details``. An indicator is
enabled by its section (``[R024]``, even empty); its options are the section's keys. Loadable from a Cardinal
``settings.ini`` (:meth:`Settings.from_ini`) and from a fixture name (:meth:`Settings.from_fixture_name`).
"""

from __future__ import annotations

import configparser
from dataclasses import dataclass, field
from typing import Any

CODES = ("R003", "R018", "R024", "R025", "R028", "R030", "R035", "R036", "R038", "R048", "R058")

#: option → type, per indicator (``map`` is a section ``[R003.procurement_method_details]``)
OPTIONS: dict[str, dict[str, str]] = {
    "R003": {"threshold": "int", "procurement_methods": "pipe", "procurement_method_details": "map"},
    "R018": {"procurement_methods": "pipe"},
    "R024": {"threshold": "float"},
    "R025": {"percentile": "int", "threshold": "float"},
    "R028": {},
    "R030": {},
    "R035": {"threshold": "int"},
    "R036": {},
    "R038": {"threshold": "float", "minimum_submitted_bids": "int", "minimum_contracting_processes": "int"},
    "R048": {"digits": "int", "threshold": "int", "minimum_contracting_processes": "int"},
    "R058": {"threshold": "float"},
}

GLOBAL_KEYS = ("currency", "no_price_comparison_procurement_methods", "price_comparison_procurement_methods")
#: sections of Cardinal's ``prepare`` command: allowed in a settings file, ignored by the indicators
PREPARE_SECTIONS = ("defaults", "redactions", "corrections", "modifications")


class SettingsError(ValueError):
    """A settings file or fixture name Cardinal would refuse; ``field`` names the offending setting."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


def pipe(value: str | None) -> frozenset[str]:
    """``a|b`` → {a, b} (Cardinal's ``split_terminator('|')``: a trailing ``|`` adds nothing)."""
    if not value:
        return frozenset()
    parts = value.split("|")
    if parts and parts[-1] == "":
        parts.pop()
    return frozenset(parts)


def _convert(code: str, name: str, kind: str, value: Any) -> Any:
    where = f"{code}.{name}"
    if kind == "int":
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise SettingsError(f"{where} 应为非负整数,收到 {value!r}。", field=where) from None
        if number < 0:
            raise SettingsError(f"{where} 应为非负整数,收到 {value!r}。", field=where)
        return number
    if kind == "float":
        try:
            return float(value)
        except (TypeError, ValueError):
            raise SettingsError(f"{where} 应为数值,收到 {value!r}。", field=where) from None
    if kind == "pipe":
        return pipe(str(value))
    if kind == "map":
        if not isinstance(value, dict):
            raise SettingsError(f"{where} 应为“采购方式明细 = 天数”的映射。", field=where)
        return {str(k): _convert(code, f"{name}.{k}", "int", v) for k, v in value.items()}
    raise AssertionError(kind)


@dataclass(frozen=True)
class Settings:
    """Global settings plus the enabled indicators and their options (already typed)."""

    indicators: dict[str, dict[str, Any]] = field(default_factory=dict)
    currency: str | None = None
    no_price_comparison_procurement_methods: frozenset[str] = frozenset()
    price_comparison_procurement_methods: frozenset[str] = frozenset()
    excluded_procurement_method_details: frozenset[str] = frozenset()

    # --- construction -------------------------------------------------------------------------------

    @classmethod
    def build(cls, indicators: dict[str, dict[str, Any]] | None = None, *, currency: str | None = None,
              no_price_comparison: str | frozenset[str] | None = None,
              price_comparison: str | frozenset[str] | None = None,
              exclusions: str | frozenset[str] | None = None) -> Settings:
        """Validate raw options (``{"R048": {"minimum_contracting_processes": 1}}``) into settings."""
        typed: dict[str, dict[str, Any]] = {}
        for code, options in (indicators or {}).items():
            if code not in OPTIONS:
                raise SettingsError(f"未知的指标 {code};可用:{', '.join(CODES)}。", field=code)
            typed[code] = {}
            for name, value in (options or {}).items():
                kind = OPTIONS[code].get(name)
                if kind is None:
                    raise SettingsError(f"指标 {code} 没有设置项 {name}。", field=f"{code}.{name}")
                typed[code][name] = _convert(code, name, kind, value)

        def as_set(value: str | frozenset[str] | None) -> frozenset[str]:
            return pipe(value) if value is None or isinstance(value, str) else frozenset(value)

        return cls(indicators={c: typed[c] for c in CODES if c in typed}, currency=currency or None,
                   no_price_comparison_procurement_methods=as_set(no_price_comparison),
                   price_comparison_procurement_methods=as_set(price_comparison),
                   excluded_procurement_method_details=as_set(exclusions))

    @classmethod
    def all_enabled(cls, **global_settings: Any) -> Settings:
        """Every indicator with its defaults (Cardinal's ``examples/settings.ini``)."""
        return cls.build({code: {} for code in CODES}, **global_settings)

    @classmethod
    def from_ini(cls, text: str) -> Settings:
        """A Cardinal settings file. Keys before any section are the global settings."""
        parser = configparser.ConfigParser(interpolation=None, inline_comment_prefixes=None,
                                           comment_prefixes=(";", "#"), default_section="\x00none")
        parser.optionxform = str  # keys are case-sensitive (procurement method details)
        try:
            parser.read_string("[\x00global]\n" + text)
        except configparser.Error as exc:
            raise SettingsError(f"设置文件格式错误:{exc}", field="settings") from None
        glob: dict[str, str] = {}
        exclusions = None
        indicators: dict[str, dict[str, Any]] = {}
        for section in parser.sections():
            items = dict(parser.items(section))
            if section == "\x00global":
                for key, value in items.items():
                    if key not in GLOBAL_KEYS:
                        raise SettingsError(f"未知的全局设置 {key}。", field=key)
                    glob[key] = value
            elif section == "exclusions":
                for key in items:
                    if key != "procurement_method_details":
                        raise SettingsError(f"[exclusions] 没有设置项 {key}。", field=f"exclusions.{key}")
                exclusions = items.get("procurement_method_details")
            elif section in PREPARE_SECTIONS or section.startswith("codelists."):
                continue
            elif "." in section:
                code, name = section.split(".", 1)
                if OPTIONS.get(code, {}).get(name) != "map":
                    raise SettingsError(f"未知的设置节 [{section}]。", field=section)
                indicators.setdefault(code, {})[name] = items
            elif section in OPTIONS:
                indicators.setdefault(section, {}).update(items)
            else:
                raise SettingsError(f"未知的设置节 [{section}]。", field=section)
        return cls.build(indicators, currency=glob.get("currency"),
                         no_price_comparison=glob.get("no_price_comparison_procurement_methods"),
                         price_comparison=glob.get("price_comparison_procurement_methods"),
                         exclusions=exclusions)

    @classmethod
    def from_fixture_name(cls, name: str, **global_settings: Any) -> Settings:
        """``R048-minimum_contracting_processes-1`` → R048 alone with that option (see the peer README)."""
        parts = name.split("-")
        code, rest = parts[0], parts[1:]

        def value(text: str) -> Any:
            text = text.replace("+", "|")
            return int(text) if text.isdigit() else text

        options: dict[str, Any] = {}
        if len(rest) == 2:
            options[rest[0]] = value(rest[1])
        elif len(rest) > 2:
            pairs = rest[1:]
            if len(pairs) % 2:
                raise SettingsError(f"夹具名 {name} 的映射键值不成对。", field=rest[0])
            options[rest[0]] = {pairs[i]: value(pairs[i + 1]) for i in range(0, len(pairs), 2)}
        return cls.build({code: options}, **global_settings)

    # --- reading --------------------------------------------------------------------------------------

    def enabled(self, code: str) -> bool:
        return code in self.indicators

    def option(self, code: str, name: str, default: Any = None) -> Any:
        return self.indicators.get(code, {}).get(name, default)
