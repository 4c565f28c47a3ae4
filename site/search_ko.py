"""Korean for Sphinx's search: words are found whatever particle (조사) or 하다-ending follows them.

Sphinx has no Korean search language, and Korean attaches particles to words: the English fallback
indexes 모멘텀을, 모멘텀은 and 모멘텀의 as three words, none of them 모멘텀.  Its partial matching finds
them only for query words of three letters or more, and only when the bare word is nowhere in the
book — so 편향 (two letters) finds no 편향을, and 모멘텀 misses every page where it is only 모멘텀을 as
soon as one page has 모멘텀 alone.  This search language strips one particle or ending from the end of
a word, at indexing time in Python (:meth:`SearchKorean.stem`) and at query time in the reader's
browser (the same rule in JavaScript, :data:`JS_STEMMER`), so 모멘텀, 모멘텀을 and 모멘텀의 all become 모멘텀:

- the suffixes are :data:`SUFFIXES`, the longest that matches is removed, and only if at least two
  letters remain (속도 stays 속도, 역할 stays 역할; 가속도 becomes 가속, as a stemmer must accept);
- a word that is then all ASCII (English, code names: Adam은 → adam) is stemmed by Sphinx's English
  Porter stemmer, as on the English pages.

tests/test_search_ko.py runs the Python and the JavaScript on the same words and requires the same stems.
"""

from __future__ import annotations

import json
import re

from sphinx.search import SearchLanguage
from sphinx.search.en import english_stopwords, js_porter_stemmer

__all__ = ["SUFFIXES", "SearchKorean", "strip_particle"]

#: Particles (조사), copula and 하다/되다 endings that follow a word; longest first when matched.
SUFFIXES = tuple(sorted(set("""
에서부터 으로부터 로부터 에게서 한테서 에서는 에서도 에서의 으로는 으로도 으로써 으로서 에게는 에게도 까지는
까지도 부터는 이라는 이라고 이라면 이지만 입니다 이에요 했습니다 됩니다 합니다 이며 이고 이다 이란 이나 이랑
이든 에는 에도 에의 과의 와의 과는 와는 로는 로도 로써 로서 라는 라고 에서 에게 한테 까지 부터 보다 처럼 마다
만큼 조차 마저 으로 하고 하는 한다 하면 하여 해서 했다 하기 하지 하다 된다 되는 되어 되면 된 할 함
은 는 이 가 을 를 의 에 도 만 로 와 과 나 랑
""".split()), key=lambda s: (-len(s), s)))
#: The fewest letters a word keeps after its suffix is removed.
MIN_STEM = 2

_ASCII = re.compile(r"^[\x00-\x7f]+$")


#: Particles stack ("모멘텀이라고도" is 모멘텀 + 이라고 + 도): up to this many are removed, outermost first.
MAX_SUFFIXES = 2


def strip_particle(word: str) -> str:
    """``word`` without the longest of :data:`SUFFIXES` it ends with, if :data:`MIN_STEM` letters remain,
    repeated up to :data:`MAX_SUFFIXES` times."""
    for _ in range(MAX_SUFFIXES):
        suffix = next((s for s in SUFFIXES if word.endswith(s) and len(word) - len(s) >= MIN_STEM), None)
        if suffix is None:
            break
        word = word[: -len(suffix)]
    return word


JS_STEMMER = (
    js_porter_stemmer.replace("var Stemmer = function()", "var PorterStemmer = function()", 1)
    + """
/**
 * Korean: strip up to two stacked particles or endings (site/search_ko.py, the same rule as at indexing time), then
 * stem what is left with the Porter stemmer if it is all ASCII.
 */
var Stemmer = function() {
  var suffixes = %(suffixes)s;
  var minStem = %(min_stem)d;
  var maxSuffixes = %(max_suffixes)d;
  var porter = new PorterStemmer();
  this.stemWord = function(w) {
    for (var k = 0; k < maxSuffixes; k++) {
      var found = false;
      for (var i = 0; i < suffixes.length; i++) {
        var s = suffixes[i];
        if (w.length - s.length >= minStem && w.slice(-s.length) === s) {
          w = w.slice(0, -s.length);
          found = true;
          break;
        }
      }
      if (!found) break;
    }
    return /^[\\x00-\\x7f]+$/.test(w) ? porter.stemWord(w) : w;
  };
};
"""
    % {"suffixes": json.dumps(list(SUFFIXES), ensure_ascii=False), "min_stem": MIN_STEM, "max_suffixes": MAX_SUFFIXES}
)


class SearchKorean(SearchLanguage):
    """Sphinx's search language ``ko`` (registered by site/sphinx_language.py)."""

    lang = "ko"
    language_name = "Korean"
    stopwords = english_stopwords  # the Korean pages keep English words and code names
    js_stemmer_code = JS_STEMMER

    def init(self, options: dict) -> None:
        import snowballstemmer

        self.porter = snowballstemmer.stemmer("porter")

    def stem(self, word: str) -> str:
        word = strip_particle(word.lower())
        return self.porter.stemWord(word) if _ASCII.match(word) else word
