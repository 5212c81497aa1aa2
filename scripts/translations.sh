#!/usr/bin/env bash
# The translation catalogues (Flask-Babel): extract every marked string into
# translations/messages.pot, merge it into each language's messages.po, compile the .mo files
# the application reads. Run after changing a marked string; translate what `update` marks new
# or fuzzy, then run again. tests/i18n checks that nothing is left untranslated.
set -euo pipefail
cd "$(dirname "$0")/.."
pybabel extract -F babel.cfg -k _l -k N_ --no-location --sort-output --omit-header -o translations/messages.pot .
for lang in en pl tr ar; do
  if [ -f "translations/$lang/LC_MESSAGES/messages.po" ]; then
    pybabel update --no-fuzzy-matching -i translations/messages.pot -d translations -l "$lang"
  else
    pybabel init -i translations/messages.pot -d translations -l "$lang"
  fi
done
pybabel compile -d translations --statistics
