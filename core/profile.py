"""The company profile file (``greenmeasures.profile/1``): validate, load and save.

The JSON Schema in ``resources/schema/profile.schema.json`` is the one description of the format;
this module runs it (Draft 2020-12) and adds the checks a schema cannot express: the 统一社会信用代码
check digit (GB 32100-2015), finite numbers, unique project ids. Every problem is reported at once,
as a :class:`Problem` with a path such as ``projects[0].capacity_kw``, a short English message and
the same in Simplified Chinese for the user interface. See ``docs/profile-format.md``.

Plain Python: the window, the kiosk and the command line all use it.
"""
from __future__ import annotations

import codecs
import errno
import json
import math
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.atomic import atomic_write_bytes
from core.problems import Problem, ProfileError  # defined there for the settings; part of this API
from core.resources import profile_schema_path
from core.userfile import LONE_SURROGATE, PROFILE_MAX_BYTES, UserFileError, read_user_file

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

# jsonschema is imported by the first validation, not with this module: importing it takes about
# 45 ms, and the window's first paint needs no profile.

PROFILE_FORMAT = "greenmeasures.profile/1"

__all__ = [
    "PROFILE_FORMAT", "Problem", "ProfileError", "validate_profile", "load_profile", "save_profile",
    "uscc_check_digit", "is_valid_uscc", "parse_strict_date", "shorten", "PROFILE_MAX_BYTES",
    "MAX_NUMBER_CHARS",
]

# A number literal longer than this is refused while parsing, before Python converts it: int()
# refuses more than 4300 digits with a ValueError, and long literals cost time quadratic in their
# length. Every bound of the schema (at most 10^15) is written in far fewer characters.
MAX_NUMBER_CHARS = 40
ECHO_CHARS = 60              # user text quoted in a message is cut to this many characters


def shorten(text: str, limit: int = ECHO_CHARS) -> str:
    """User text as quoted in a message: at most ``limit`` characters, cut with …."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


# ---------------------------------------------------------------------------------------------
# 统一社会信用代码 (GB 32100-2015)

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"       # value of a character = its index, 0..30
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)   # 3**i mod 31
_USCC_VALUE = {c: i for i, c in enumerate(USCC_CHARS)}
# Positions 1-2 登记管理部门 and 机构类别, 3-8 登记管理机关行政区划码 (digits), 9-17 主体标识码,
# 18 the check character.
_USCC_SHAPE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}")


def uscc_check_digit(first17: str) -> str:
    """The 18th character of a 统一社会信用代码 from its first 17 (GB 32100-2015).

    Raises ValueError unless ``first17`` is 17 characters of 0-9 and the capital letters other
    than I, O, S, V, Z.
    """
    if not isinstance(first17, str) or len(first17) != 17 or any(c not in _USCC_VALUE for c in first17):
        raise ValueError(f"need 17 characters of {USCC_CHARS}, got {first17!r}")
    total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def is_valid_uscc(code: str) -> bool:
    """True for an 18-character code of the right shape whose check character is correct.

    Strict: capital letters only, digits in positions 3-8 (the area code); no spaces.
    """
    return (isinstance(code, str) and _USCC_SHAPE.fullmatch(code) is not None
            and uscc_check_digit(code[:17]) == code[17])


# ---------------------------------------------------------------------------------------------
# the schema and its validator

_DATE_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_strict_date(text: object) -> date | None:
    """The date written exactly YYYY-MM-DD (ASCII digits, a real calendar day), else None.

    The one date parser for what users write (the profile, --as-of): ``date.fromisoformat``
    alone also takes 2024-W01-1, 20240101 and other ISO 8601 spellings.
    """
    if not isinstance(text, str) or not _DATE_SHAPE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _is_real_date(value: object) -> bool:
    if not isinstance(value, str):
        return True        # the type is another rule's business
    return parse_strict_date(value) is not None


@lru_cache(maxsize=64)
def _python_pattern(pattern: str) -> re.Pattern:
    # JSON Schema (ECMA-262) '$' is the very end; Python's also matches before a final newline.
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + r"\Z"
    return re.compile(pattern)


def _pattern_keyword(validator, pattern, instance, schema):
    from jsonschema.exceptions import ValidationError

    if validator.is_type(instance, "string") and not _python_pattern(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@lru_cache(maxsize=1)
def profile_schema() -> dict:
    """The bundled JSON Schema of the profile format."""
    return json.loads(profile_schema_path().read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _validator():
    """The schema's validator. The bundled schema itself is checked against the Draft 2020-12
    meta-schema by the tests (test_profile), not here: that check alone took about 60 ms."""
    from jsonschema import Draft202012Validator, FormatChecker, validators

    checker = FormatChecker(formats=())
    checker.checks("date")(_is_real_date)
    validator_class = validators.extend(Draft202012Validator, {"pattern": _pattern_keyword})
    return validator_class(profile_schema(), format_checker=checker)


def _resolve(node: Any) -> dict:
    """A schema node with its $ref followed; the node's own keywords (description) win."""
    if not isinstance(node, dict):
        return {}
    defs = profile_schema().get("$defs", {})
    seen = 0
    while "$ref" in node and seen < 20:
        target = defs.get(node["$ref"].rsplit("/", 1)[-1], {})
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        seen += 1
    return node


# ---------------------------------------------------------------------------------------------
# paths, labels, values as shown in messages

_PLAIN_KEY = re.compile(r"[A-Za-z0-9_]+")
Parts = tuple


def _path(parts: Iterable) -> str:
    out = ""
    for part in parts:
        if isinstance(part, int) and not isinstance(part, bool):
            out += f"[{part}]"
        elif isinstance(part, str) and _PLAIN_KEY.fullmatch(part):
            out += ("." if out else "") + shorten(part)
        else:
            out += "[" + _show(part) + "]"
    return out or "(root)"


def _sort_key(parts: Parts) -> tuple:
    return tuple((0, p, "") if isinstance(p, int) and not isinstance(p, bool) else (1, 0, str(p))
                 for p in parts)


def _label(parts: Iterable) -> str:
    """The Chinese label of the value at ``parts``, from the schema descriptions.

    A list item without its own label takes its list's; a value inside a yearly object is
    prefixed with its year (2024 年营收（元）).
    """
    node: Any = profile_schema()
    label = "档案"
    year = None
    for part in parts:
        node = _resolve(node)
        if isinstance(part, int) and not isinstance(part, bool):
            child = node.get("items")
        else:
            child = node.get("properties", {}).get(part) if isinstance(part, str) else None
            if child is None and isinstance(node.get("additionalProperties"), dict):
                child = node["additionalProperties"]
                if "propertyNames" in node:
                    year = part
        if not isinstance(child, dict):
            return f"“{part}”"
        own = child.get("description") or _resolve(child).get("description")
        if own:
            label = own
        node = child
    return f"{year} 年{label}" if year is not None else label


def _show(value: Any, zh: bool = False) -> str:
    """A value as quoted in a message: JSON spelling, shortened."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return repr(value)
    if isinstance(value, int):
        try:
            text = str(value)
        except ValueError:               # more digits than Python will print
            return "一个极大的整数" if zh else "a huge integer"
        return text if len(text) <= 30 else text[:29] + "…"
    if isinstance(value, str):
        text = json.dumps(shorten(value), ensure_ascii=False)
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, list):
        return "一个列表" if zh else "a list"
    if isinstance(value, dict):
        return "一个对象" if zh else "an object"
    return f"一个 {type(value).__name__}" if zh else f"a {type(value).__name__}"


_TYPE_NAMES = {
    "number": ("a number", "数字"),
    "integer": ("a whole number", "整数"),
    "string": ("text", "文字"),
    "boolean": ("true or false", "true 或 false（是/否）"),
    "object": ("an object {…}", "对象 {…}"),
    "array": ("a list […]", "列表 […]"),
    "null": ("null", "null"),
}


def _type_names(expected: Any) -> tuple[str, str]:
    kinds = expected if isinstance(expected, list) else [expected]
    en = " or ".join(_TYPE_NAMES.get(k, (str(k), str(k)))[0] for k in kinds)
    zh = "或".join(_TYPE_NAMES.get(k, (str(k), str(k)))[1] for k in kinds)
    return en, zh


# ---------------------------------------------------------------------------------------------
# validation

# One problem per path: the most telling one wins. Lower ranks first.
_RANK = {"finite": 0, "key": 0, "text": 0, "unknown": 1, "type": 1, "required": 1, "year_key": 1, "const": 2,
         "enum": 2, "date": 3, "uscc": 3, "pattern": 4, "minLength": 4, "minimum": 4, "maximum": 4,
         "exclusiveMinimum": 4, "exclusiveMaximum": 4, "unique": 5, "other": 6, "incomplete": 7}
# Problems that make everything below their path noise.
_COVERING = {"unknown", "type", "year_key", "key", "text"}


@dataclass(frozen=True)
class _Found:
    parts: Parts
    kind: str
    message: str
    message_zh: str


def _date_problem(parts: Parts, value: Any) -> _Found:
    return _Found(parts, "date", f"must be a real calendar date YYYY-MM-DD, got {_show(value)}",
                  f"{_label(parts)}必须是真实存在的日期（YYYY-MM-DD），填写的是 {_show(value, True)}")


def _from_schema_error(err: ValidationError) -> Iterator[_Found]:
    from jsonschema.exceptions import best_match

    if err.context:                      # anyOf / oneOf: the error that explains most
        best = best_match(err.context)
        if best is not None:
            yield from _from_schema_error(best)
            return
    parts: Parts = tuple(err.absolute_path)
    kw = err.validator
    value = err.instance
    schema = err.schema if isinstance(err.schema, dict) else {}
    listed = err.validator_value if isinstance(err.validator_value, list) else []   # required, enum
    label = _label(parts)

    if "propertyNames" in err.absolute_schema_path:
        key_parts = parts + (value,)
        yield _Found(key_parts, "year_key",
                     f"year key must be a 4-digit year from 1949 to 2100, got {_show(value)}",
                     f"年份必须是 1949 至 2100 之间的四位数年份，填写的是 {_show(value, True)}")
        return
    if kw == "required":
        present = value if isinstance(value, dict) else {}
        for name in listed:
            if name not in present:
                yield _Found(parts + (name,), "required", "required field is missing",
                             f"缺少必填项：{_label(parts + (name,))}")
        return
    if kw == "additionalProperties":
        known = set(schema.get("properties", {}))
        patterns = [_python_pattern(p) for p in schema.get("patternProperties", {})]
        for name in (value if isinstance(value, dict) else {}):
            if not isinstance(name, str):
                continue                 # reported as a non-text key
            if name in known or (isinstance(name, str) and any(p.search(name) for p in patterns)):
                continue
            yield _Found(parts + (name,), "unknown", "unknown field",
                         f"未知字段 {_show(name, True)}：本格式没有这一项")
        return
    if kw == "type":
        en, zh = _type_names(err.validator_value)
        yield _Found(parts, "type", f"must be {en}, got {_show(value)}",
                     f"{label}应为{zh}，填写的是 {_show(value, True)}")
        return
    if kw in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        bound = err.validator_value
        # 1,000,000,000,000,000 reads better than 1000000000000000
        limit = f"{bound:,}" if isinstance(bound, int) and not isinstance(bound, bool) else _show(bound)
        en, zh = {"minimum": ("≥", "不能小于"), "maximum": ("≤", "不能大于"),
                  "exclusiveMinimum": (">", "必须大于"), "exclusiveMaximum": ("<", "必须小于")}[kw]
        yield _Found(parts, kw, f"must be {en} {limit}, got {_show(value)}",
                     f"{label}{zh} {limit}，填写的是 {_show(value, True)}")
        return
    if kw == "enum":
        allowed = [str(v) for v in listed]
        yield _Found(parts, "enum", f"must be one of {', '.join(allowed)}, got {_show(value)}",
                     f"{label}必须是 {'、'.join(allowed)} 之一，填写的是 {_show(value, True)}")
        return
    if kw == "const":
        wanted = _show(err.validator_value)
        yield _Found(parts, "const", f"must be {wanted}, got {_show(value)}",
                     f"{label}必须是 {wanted}，填写的是 {_show(value, True)}")
        return
    if ((kw == "format" and err.validator_value == "date")
            or (kw == "pattern" and schema.get("format") == "date")):
        yield _date_problem(parts, value)
        return
    if kw == "pattern" and parts == ("company", "uscc"):
        yield _Found(parts, "pattern",
                     "must be 18 characters: digits and capital letters except I, O, S, V, Z, "
                     f"with digits in positions 3–8, got {_show(value)}",
                     f"统一社会信用代码应为 18 位数字或大写字母（不含 I、O、S、V、Z），第 3–8 位为数字，"
                     f"填写的是 {_show(value, True)}")
        return
    if kw == "pattern":
        yield _Found(parts, "pattern", f"must match {err.validator_value}, got {_show(value)}",
                     f"{label}的写法不符合要求（{err.validator_value}），填写的是 {_show(value, True)}")
        return
    if kw == "minLength":
        if err.validator_value == 1:
            yield _Found(parts, "minLength", "must not be empty", f"{label}不能为空")
        else:
            yield _Found(parts, "minLength",
                         f"must be at least {err.validator_value} characters, got {_show(value)}",
                         f"{label}至少应有 {err.validator_value} 个字符，填写的是 {_show(value, True)}")
        return
    if kw == "uniqueItems" and isinstance(value, list):
        repeats = _repeats(value)
        for first, again in repeats:
            yield _Found(parts + (again,), "unique",
                         f"must not repeat {_show(value[again])}, already at {_path(parts + (first,))}",
                         f"{label}中的 {_show(value[again], True)} 重复了（已在 {_path(parts + (first,))}）")
        if not repeats:
            yield _Found(parts, "unique", "must not repeat a value", f"{label}中有重复的值")
        return
    yield _Found(parts, "other", str(err.message)[:200], f"{label}不符合格式要求：{str(err.message)[:200]}")


def _canonical(value: Any) -> str:
    try:
        return json.dumps(value, sort_keys=True, ensure_ascii=True, allow_nan=True)
    except (TypeError, ValueError, RecursionError):
        return repr(value)


def _repeats(items: list) -> list[tuple[int, int]]:
    """(first index, repeating index) for every item equal to an earlier one."""
    seen: dict[str, int] = {}
    out = []
    for i, item in enumerate(items):
        key = _canonical(item)
        if key in seen:
            out.append((seen[key], i))
        else:
            seen[key] = i
    return out


def _surrogate_problem(parts: Parts, text: str, what_en: str, what_zh: str) -> _Found | None:
    # UTF-8 cannot encode a lone surrogate: the report, the PDF and the saved file would fail on it.
    found = LONE_SURROGATE.search(text)
    if found is None:
        return None
    code = f"\\u{ord(found.group()):04x}"
    return _Found(parts, "text", f"{what_en} contains {code}, a lone UTF-16 surrogate: not a character",
                  f"{what_zh}含有无效字符 {code}（孤立的 UTF-16 代理码，不是文字），请删除后重新输入")


def _walk_values(data: Any) -> Iterator[_Found]:
    """Non-finite numbers, non-text keys and text that is no Unicode anywhere (iterative: no depth
    limit)."""
    stack: list[tuple[Parts, Any]] = [((), data)]
    while stack:
        parts, value = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            yield _Found(parts, "finite", f"must be a finite number, got {_show(value)}",
                         f"{_label(parts)}必须是有限的数字，填写的是 {_show(value, True)}")
        elif isinstance(value, str):
            bad = _surrogate_problem(parts, value, "text", _label(parts))
            if bad:
                yield bad
        elif isinstance(value, dict):
            for key, item in value.items():
                if not isinstance(key, str):
                    yield _Found(parts + (str(key),), "key", f"field names must be text, got {_show(key)}",
                                 f"字段名必须是文字，填写的是 {_show(key, True)}")
                    continue
                bad = _surrogate_problem(parts + (key,), key, "field name", "字段名")
                if bad:
                    yield bad
                    continue
                stack.append((parts + (key,), item))
        elif isinstance(value, list):
            stack.extend((parts + (i,), item) for i, item in enumerate(value))


def _extra_checks(data: Any) -> Iterator[_Found]:
    if not isinstance(data, dict):
        return
    company = data.get("company")
    if isinstance(company, dict):
        code = company.get("uscc")
        if isinstance(code, str) and _USCC_SHAPE.fullmatch(code):
            expected = uscc_check_digit(code[:17])
            if code[17] != expected:
                yield _Found(("company", "uscc"), "uscc", f"check digit is wrong (expected {expected})",
                             f"统一社会信用代码校验位不正确（应为 {expected}）")
    projects = data.get("projects")
    if isinstance(projects, list):
        first_use: dict[str, int] = {}
        for i, project in enumerate(projects):
            if not isinstance(project, dict) or not isinstance(project.get("id"), str):
                continue
            pid = project["id"]
            if pid in first_use:
                yield _Found(("projects", i, "id"), "unique",
                             f"must be unique, {_show(pid)} is already used by projects[{first_use[pid]}]",
                             f"项目编号必须唯一，{_show(pid, True)} 已被 projects[{first_use[pid]}] 使用")
            else:
                first_use[pid] = i


def validate_profile(data: object) -> list[Problem]:
    """Every problem of a profile (parsed JSON), sorted by path; [] when it is valid.

    Never raises for JSON-like input.
    """
    found: list[_Found] = list(_walk_values(data))
    try:
        for err in _validator().iter_errors(data):
            found.extend(_from_schema_error(err))
    except Exception as exc:   # noqa: BLE001 - the promise is "never raises"
        # Only reachable with values JSON cannot hold (non-text keys) or absurd nesting.
        why = "nested too deeply" if isinstance(exc, RecursionError) else type(exc).__name__
        found.append(_Found((), "incomplete", f"could not be checked completely: {why}",
                            "档案无法完整检查：结构嵌套过深或含有 JSON 不能表示的值"))
    found.extend(_extra_checks(data))

    best: dict[Parts, _Found] = {}
    for f in found:
        held = best.get(f.parts)
        if held is None or (_RANK[f.kind], f.message) < (_RANK[held.kind], held.message):
            best[f.parts] = f
    covering = [p for p, f in best.items() if f.kind in _COVERING]

    def covered(parts: Parts) -> bool:
        return any(len(c) < len(parts) and parts[:len(c)] == c for c in covering)

    kept = sorted((f for p, f in best.items() if not covered(p)),
                  key=lambda f: (_sort_key(f.parts), f.message))
    return [Problem(_path(f.parts), f.message, f.message_zh) for f in kept]


# ---------------------------------------------------------------------------------------------
# files

class _DuplicateKeys(dict):
    """A parsed object that named some key more than once."""
    repeated: list[str]


@dataclass(frozen=True)
class _Constant:
    name: str          # NaN, Infinity, -Infinity


@dataclass(frozen=True)
class _LongNumber:
    length: int        # characters of a number literal longer than MAX_NUMBER_CHARS


_JSON_MESSAGES_ZH = {
    "Expecting value": "此处应有一个值",
    "Expecting ',' delimiter": "缺少逗号",
    "Expecting ':' delimiter": "缺少冒号",
    "Expecting property name enclosed in double quotes": "字段名必须用英文双引号括起来",
    "Unterminated string starting at": "字符串缺少结尾的引号",
    "Invalid control character at": "字符串中有不允许的控制字符",
    "Invalid \\escape": "无效的转义符",
    "Invalid \\uXXXX escape": "无效的 \\u 转义符",
    "Extra data": "JSON 内容结束后还有多余的内容",
}


def _file_problem(message: str, message_zh: str) -> ProfileError:
    return ProfileError([Problem("(file)", message, message_zh)])


def _os_reason(exc: OSError) -> tuple[str, str]:
    zh = {errno.ENOENT: "文件夹不存在", errno.EACCES: "没有权限", errno.EPERM: "没有权限",
          errno.ENOSPC: "磁盘空间不足", errno.EROFS: "只读的文件系统", errno.EISDIR: "这是一个文件夹",
          errno.ENOTDIR: "路径中有一部分不是文件夹", errno.ENAMETOOLONG: "文件名过长"}.get(exc.errno or -1)
    en = exc.strerror or type(exc).__name__
    return en, zh or en


def _parse_problems(data: Any) -> list[Problem]:
    found: list[tuple[Parts, str, str]] = []
    stack: list[tuple[Parts, Any]] = [((), data)]
    while stack:
        parts, value = stack.pop()
        if isinstance(value, _Constant):
            found.append((parts, f"{value.name} is not allowed: write a finite number",
                          f"不允许填写 {value.name}，请填写有限的数字"))
        elif isinstance(value, _LongNumber):
            found.append((parts, f"number is too long: {value.length} characters, at most "
                                 f"{MAX_NUMBER_CHARS}",
                          f"{_label(parts)}的数字过长：共 {value.length} 个字符，最多 {MAX_NUMBER_CHARS} 个"))
        elif isinstance(value, dict):
            for key in getattr(value, "repeated", ()):
                found.append((parts + (key,),
                              f"duplicate key {_show(key)}: the object names it more than once",
                              f"同一对象中字段 {_show(key, True)} 出现了多次"))
            stack.extend((parts + (k,), v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((parts + (i,), v) for i, v in enumerate(value))
    found.sort(key=lambda f: (_sort_key(f[0]), f[1]))
    return [Problem(_path(p), en, zh) for p, en, zh in found]


def load_profile(path: str | os.PathLike) -> dict:
    """Read, parse and validate a profile file; raise ProfileError listing every problem."""
    target = Path(os.fspath(path))
    try:
        # Regular files only, at most PROFILE_MAX_BYTES: a FIFO or a device never hangs or fills memory.
        raw = read_user_file(target, PROFILE_MAX_BYTES)
    except UserFileError as exc:
        if exc.kind == "folder":
            raise _file_problem(f"is a folder, not a file: {target}",
                                f"这是一个文件夹，不是档案文件：{target}") from None
        raise _file_problem(exc.message, exc.message_zh) from None

    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _file_problem("is UTF-16 text; save it as UTF-8", "文件是 UTF-16 编码，请另存为 UTF-8 编码")
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        line = raw.count(b"\n", 0, exc.start) + 1
        column = len(raw[line_start:exc.start].decode("utf-8", "replace")) + 1
        byte = raw[exc.start]
        raise _file_problem(f"not UTF-8 text: byte 0x{byte:02x} at line {line}, column {column}",
                            f"文件不是 UTF-8 编码的文本：第 {line} 行第 {column} 列有字节 0x{byte:02x}，"
                            "请另存为 UTF-8 编码") from None

    flagged = False

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict:
        nonlocal flagged
        obj: dict = {}
        repeated = []
        for key, value in pairs:
            if key in obj and key not in repeated:
                repeated.append(key)
            obj[key] = value
        if repeated:
            flagged = True
            obj = _DuplicateKeys(obj)
            obj.repeated = repeated
        return obj

    def constant_hook(name: str) -> _Constant:
        nonlocal flagged
        flagged = True
        return _Constant(name)

    def number_hook(convert):
        def hook(literal: str):
            nonlocal flagged
            if len(literal) > MAX_NUMBER_CHARS:       # before int() raises on 4300+ digits
                flagged = True
                return _LongNumber(len(literal))
            return convert(literal)
        return hook

    try:
        data = json.loads(text, object_pairs_hook=pairs_hook, parse_constant=constant_hook,
                          parse_int=number_hook(int), parse_float=number_hook(float))
    except json.JSONDecodeError as exc:
        reason_zh = next((zh for en, zh in _JSON_MESSAGES_ZH.items() if exc.msg.startswith(en)), exc.msg)
        raise _file_problem(f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
                            f"文件不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列，"
                            f"{reason_zh}") from None
    except RecursionError:
        raise _file_problem("not readable: the JSON is nested too deeply",
                            "无法读取：JSON 嵌套层数过多") from None
    if flagged:
        raise ProfileError(_parse_problems(data))
    problems = validate_profile(data)
    if problems:
        raise ProfileError(problems)
    return data


def save_profile(data: dict, path: str | os.PathLike) -> None:
    """Validate, then write UTF-8 JSON atomically (temp file in the same folder, fsync, replace).

    Invalid data raises ProfileError and writes nothing; so does a path that cannot be written
    (problem at ``(file)``). An existing file is either left untouched or wholly replaced.
    """
    problems = validate_profile(data)
    if problems:
        raise ProfileError(problems)
    try:
        payload = (json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n").encode("utf-8")
    except (TypeError, ValueError, RecursionError) as exc:     # not reachable for valid data
        raise ProfileError([Problem("(root)", f"cannot be written as JSON: {exc}",
                                    f"档案无法写成 JSON：{exc}")]) from None
    target = Path(os.fspath(path))
    try:
        atomic_write_bytes(target, payload)
    except OSError as exc:
        en, zh = _os_reason(exc)
        raise ProfileError([Problem("(file)", f"cannot write {target}: {en}",
                                    f"无法保存到 {target}：{zh}")]) from None


