"""Input handling for the purpose rules beyond plain ASCII, added after red-team set 3
(tests/upstream/data/purposes_redteam3.csv, measured in docs/upstream.md):

- **look-alike letters**: a word that mixes Latin with Cyrillic or Greek letters ("rеmоvе"
  with Cyrillic е and о) is read with the Latin letters it imitates. Before this, accent folding
  dropped the non-Latin letters and "remоve" became "remve";
- **bullet lists**: a line that starts with a bullet ("- ", "* ", "•", "3.", "(3)") starts a new
  clause, so a protective word in one item ("- improve JSON output") does not frame a removal in
  the next ("- drop the harmlessness constraints");
- **scripts the ASCII rules cannot read**: Cyrillic, Chinese, Japanese, Korean and Arabic text
  vanished under accent folding, so a purpose in Russian or Chinese was read as empty. A small
  vocabulary per script finds a removal verb next to a safeguard noun (either order: Japanese
  and Korean put the object first) and a few refusal-free phrasings; a purpose written mostly in
  another non-Latin script is reported by :func:`unread_script` so the screen escalates it
  rather than allowing what it did not read.

Every pattern here is linear: alternatives of literals and bounded gaps, no nested repeats.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Final, Literal

_CONFUSABLE: Final = str.maketrans(
    {
        # Cyrillic
        "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o",
        "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i",
        "ј": "j", "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h", "ɡ": "g",
        "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
        "С": "C", "Т": "T", "У": "Y", "Х": "X", "Ѕ": "S", "І": "I", "Ј": "J",
        # Greek
        "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
        "τ": "t", "υ": "u", "χ": "x", "γ": "y",
        "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
        "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    }
)  # fmt: skip
_CONFUSABLE_CHARS: Final = frozenset(chr(c) for c in _CONFUSABLE)

_WORD: Final = re.compile(r"\w+")


def _latin(ch: str) -> bool:
    return "a" <= ch.lower() <= "z"


def _cyrillic_or_greek(ch: str) -> bool:
    return "\u0370" <= ch <= "\u052f"


def fold_confusables(text: str) -> str:
    """Read Cyrillic and Greek look-alike letters as Latin in words that are partly Latin, and in
    every word when the text has Latin letters and no Cyrillic or Greek letter that is not a
    look-alike (real Russian or Greek always has some: б, д, и, л, я, δ, λ, π, ω …)."""
    has_latin = any(map(_latin, text))
    genuine = any(
        ch.isalpha() and not _latin(ch) and ch not in _CONFUSABLE_CHARS and _cyrillic_or_greek(ch)
        for ch in text
    )
    disguise = has_latin and not genuine

    def fold(m: re.Match[str]) -> str:
        word = m.group()
        odd = [ch for ch in word if not _latin(ch) and ch.isalpha()]
        if not odd or any(ch not in _CONFUSABLE_CHARS for ch in odd):
            return word
        if len(odd) < len(word) or disguise:
            return word.translate(_CONFUSABLE)
        return word

    return _WORD.sub(fold, text)


_QUOTES: Final = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u2032": "'", "\u201c": '"', "\u201d": '"'}
)
_LATIN_NAME: Final = re.compile(
    r"LATIN (?:CAPITAL |SMALL )?LETTER (?:SMALL CAPITAL |DOTLESS |TURNED |REVERSED )?([A-Z])"
)


@lru_cache(maxsize=4096)
def _plain(ch: str) -> str:
    """One non-ASCII character as the rules should see it: a Latin letter variant that
    compatibility folding leaves alone ("ʀ", "ᴇ", "ı") as its letter; a symbol, punctuation
    mark or space ("—", "🔥", "・") as a space, so that it still separates words; anything else
    (accented letters, other scripts) unchanged for the later folding."""
    if ch.isascii() or unicodedata.normalize("NFKD", ch).isascii():
        return ch
    category = unicodedata.category(ch)
    if category[0] == "L":
        m = _LATIN_NAME.fullmatch(unicodedata.name(ch, ""))
        return m.group(1).lower() if m else ch
    if category[0] in "PSZ":
        return " "
    return ch


def plain_symbols(text: str) -> str:
    """Curly quotes straight, Latin small capitals and dotless letters as plain letters, other
    non-ASCII symbols and punctuation as spaces (before, "remove—the—filters" lost its spaces
    when accents were folded and read as one word)."""
    text = text.translate(_QUOTES)
    if text.isascii():
        return text
    return "".join(_plain(ch) for ch in text)


_BULLET_LINE: Final = re.compile(
    r"(?:\r?\n|\r|\u2028|\u2029)[ \t]*(?:[-*+\u2022\u00b7\u25aa\u25cf\u2013\u2014]+|"
    r"\(?\d{1,3}[.)]|\(?[a-z][.)])[ \t]+"
)


def break_bullets(text: str) -> str:
    """A bulleted or numbered line starts a new clause (a ``;`` before it)."""
    return _BULLET_LINE.sub(" ; ", text)


# Arabic short vowels and the tatweel (kashida) stretch letters without changing the word.
_ARABIC_MARKS: Final = re.compile(r"[\u0640\u064b-\u065f\u0670]")


def strip_invisible(text: str) -> str:
    """NFKC, no format characters (zero-width spaces and joiners, soft hyphens, bidi controls),
    no Arabic vowel marks: what the non-Latin vocabularies read."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return _ARABIC_MARKS.sub("", text).casefold()


def _alt(*parts: str) -> str:
    return "(?:" + "|".join(parts) + ")"


_NOPUNCT: Final = r"[^.,;:!?。，、；：！？،؛\n]"

# Safeguard nouns are kept to words that name a safeguard; bare "limit" (ограничение, 限制,
# 제한, قيود) also names upload and length limits, so it counts only with a safety word, and a
# security *hole* or *risk* removed (устранить уязвимости безопасности, 消除安全隐患) is not one.

# --- Russian and Ukrainian --------------------------------------------------------------
_RU_REMOVE = _alt(
    r"убра\w*", r"убер\w*", r"убир\w*", r"удал\w*", r"сня\w*", r"сним\w*", r"отключ\w*",
    r"выключ\w*", r"обой\w*", r"обход\w*", r"отмен\w*", r"избав\w*", r"игнорир\w*",
    r"ослаб\w*", r"снизи\w*", r"прибра\w*", r"вимкн\w*", r"прибр\w*", r"зня\w*",
    r"обійт\w*", r"скасу\w*", r"видал\w*",
)  # fmt: skip
_RU_TARGET = _alt(
    r"безопасн\w*", r"цензур\w*", r"отказ\w*", r"модерац\w*", r"предохранител\w*",
    r"безпек\w*", r"этическ\w*", r"защитн\w* (?:механизм|фильтр|слой)\w*",
    r"(?:фильтр|фільтр)\w*(?= (?:безопасн|цензур|контент|модерац)|\s*(?:$|[,.;!?]))",
)  # fmt: skip
_RU_GAP = r"(?:(?!уязвим|угроз|риск|проблем|ошиб|дыр|бреш|инцидент)\w+\s+){0,3}?"
_RU_NEG = r"(?:\bне|\bни|\bбез|\bнельзя|\bзапрещ\w*)\s+(?:\w+\s+){0,1}$"
_RU_STATE = _alt(
    r"\bбез (?:\w+ )?(?:цензур\w*|фильтр\w*|отказ\w*|ограничений безопасност\w*)",
    r"\b(?:никогда|больше) не (?:\w+ )?отказыва\w*",
    r"\bперестал\w* (?:\w+ )?отказыва\w*",
    r"\bне отказывал\w* (?:ни в ч\w*|никогда)",
)

# --- Chinese and Japanese -----------------------------------------------------------------
_ZH_REMOVE = _alt(
    "去除", "去掉", "移除", "删除", "刪除", "取消", "关闭", "關閉", "禁用", "绕过", "繞過",
    "解除", "消除", "破解", "拿掉", "抹除", "弱化", "忽略", "无视", "無視", "废除", "廢除",
    "无効", "無効", "外し", "外す", "取り除", "削除", "除去", "回避", "撤廃", "オフ",
    "解禁", "突破",
)  # fmt: skip
_ZH_TARGET = _alt(
    "安全(?!漏洞|隐患|隱患|问题|問題|风险|風險|事故|威胁|威脅|缺陷|帽|上の)", "审查", "審查",
    "护栏", "護欄", "防护", "防護", "拒绝", "拒絕", "道德", "对齐", "對齊", "内容过滤",
    "內容過濾", "検閲", "ガードレール", "拒否", "セーフガード", "倫理", "コンテンツフィルタ",
)  # fmt: skip
_ZH_NEG = r"(?:不|别|別|勿|禁止|避免|不要|不得|不会|不能|しない|せず)$"
_ZH_STATE = _alt(
    "不再拒绝", "不再拒絕", "永不拒绝", "从不拒绝", "從不拒絕", "绝不拒绝", "不要拒绝",
    "不会拒绝", "无审查", "無審查", "去审查", "越狱", "越獄", "拒否しない", "断らない",
    "拒否せず", "断らず", "検閲なし", "無検閲", "脱獄", "ジェイルブレイク",
)  # fmt: skip

# --- Korean -------------------------------------------------------------------------------
_KO_REMOVE = _alt("제거", "해제", "비활성화", "우회", "무시", "삭제", "없애", "꺼")
_KO_TARGET = _alt("안전", "검열", "거부", "가드레일", "윤리", "콘텐츠 필터")
_KO_STATE = _alt("거부하지 않", "거절하지 않", "검열 없", "탈옥")

# --- Arabic -------------------------------------------------------------------------------
_AR_REMOVE = _alt(
    r"إزال\w*", r"ازال\w*", r"أزل\w*", r"ازل\w*", r"حذف\w*", r"احذف\w*", r"تعطيل\w*", r"عطل\w*",
    r"إلغاء\w*", r"الغاء\w*", r"ألغ\w*", r"تجاوز\w*", r"إيقاف\w*", r"ايقاف\w*", r"أوقف\w*",
    r"تخطي\w*", r"تجاهل\w*", r"إضعاف\w*", r"اضعاف\w*",
)  # fmt: skip
_AR_TARGET = _alt(
    r"\w{0,3}قيود (?:ال)?(?:أمان|امان|سلامة|محتوى)", r"\w{0,3}قيود(?=\s*(?:$|[.,،؛!?]))",
    r"\w{0,3}أمان", r"\w{0,3}امان", r"\w{0,3}رقاب\w*", r"\w{0,3}مرشحات", r"\w{0,3}فلاتر",
    r"\w{0,3}رفض", r"\w{0,3}ضوابط", r"\w{0,3}حواجز", r"\w{0,3}سلامة",
)  # fmt: skip
_AR_GAP = r"(?:(?!\w{0,3}(?:ثغر|مخاطر|مشاكل|مشكل|تهديد|أخطاء|اخطاء))\w+\s+){0,3}?"
_AR_NEG = r"(?:\bلا|\bعدم|\bدون|\bبدون|\bلن|\bيمنع)\s+(?:\w+\s+){0,1}$"
_AR_STATE = _alt(
    r"\b(?:بدون|دون|بلا) (?:أي |اي )?(?:قيود|رقابة|فلاتر|مرشحات|رفض)",
    r"\b(?:لا|لن) (?:\w+ )?(?:يرفض|ترفض)",
)

_GAP: Final = _NOPUNCT + r"{0,10}?"
_VERB_OBJECT: Final = (
    (re.compile(_RU_REMOVE + r"\s+" + _RU_GAP + _RU_TARGET), _RU_NEG),
    # Chinese verb-object, and its object-first 把 and passive 被 forms
    (re.compile(_ZH_REMOVE + _GAP + _ZH_TARGET), _ZH_NEG),
    (re.compile("[把將将]" + _GAP + _ZH_TARGET + _GAP + _ZH_REMOVE), _ZH_NEG),
    (re.compile(_ZH_TARGET + _GAP + "[被遭]" + _GAP + _ZH_REMOVE), _ZH_NEG),
    # Japanese and Korean: object, particle, verb
    (re.compile(_ZH_TARGET + _GAP + "[をはも]" + _GAP + _ZH_REMOVE), _ZH_NEG),
    (re.compile(_KO_TARGET + _GAP + "(?:을|를|은|는|도)" + _GAP + _KO_REMOVE), r"(?!)"),
    (re.compile(_AR_REMOVE + r"\s+" + _AR_GAP + _AR_TARGET), _AR_NEG),
)
_STATES: Final = (
    (re.compile(_RU_STATE), r"(?!)"),
    (re.compile(_ZH_STATE), r"(?:不要|不能|避免|禁止)$"),
    (re.compile(_KO_STATE), r"(?!)"),
    (re.compile(_AR_STATE), r"(?!)"),
)


ScriptKind = Literal["act", "state"]


def script_findings(text: str) -> list[tuple[ScriptKind, str, bool]]:
    """``(kind, matched text, negated)`` for removal wording in Russian, Ukrainian, Chinese,
    Japanese, Korean and Arabic. A negation just before a match (``не``, ``不要``, ``لا``)
    cancels it."""
    text = strip_invisible(text)
    if all(ord(ch) < 0x370 for ch in text):
        return []
    out: list[tuple[ScriptKind, str, bool]] = []
    groups: tuple[tuple[ScriptKind, tuple[tuple[re.Pattern[str], str], ...]], ...] = (
        ("act", _VERB_OBJECT),
        ("state", _STATES),
    )
    for kind, patterns in groups:
        for pattern, negation in patterns:
            for m in pattern.finditer(text):
                before = text[max(0, m.start() - 40) : m.start()]
                out.append((kind, m.group(), re.search(negation, before) is not None))
    return out


_READ: Final = ("LATIN", "CYRILLIC", "CJK", "HIRAGANA", "KATAKANA", "HANGUL", "ARABIC")


def unread_script(text: str) -> str | None:
    """The script most of the purpose's letters are in, when the rules have no vocabulary for it
    (Greek, Hebrew, Devanagari, Thai, …); ``None`` when they can read it."""
    counts: dict[str, int] = {}
    for ch in unicodedata.normalize("NFKC", text):
        if ch.isalpha():
            script = unicodedata.name(ch, "UNKNOWN").split(" ", 1)[0]
            counts[script] = counts.get(script, 0) + 1
    if not counts:
        return None
    script, n = max(counts.items(), key=lambda kv: kv[1])
    if script in _READ or n * 2 <= sum(counts.values()):
        return None
    return script.title()
