/*
 * messages: the model's words for people, in Dutch and English: why an
 * answer is refused (answer.c, kind_*.c) and what is wrong on a line of a
 * deck (deck.c). The model's table of util/i18n.h, looked up by key with
 * model__tr. A text with arguments takes the same printf conversions in
 * both languages (tests/unit/test_i18n.c); the tests of answers and decks
 * pin the texts themselves, so a key with no entry shows up there.
 *
 * Answers are refused on the hot path of a storm, but a lookup happens only
 * when one is: an accepted answer never reads this table.
 */
#include "model/internal.h"

#include <assert.h>

static const i18n_entry_t entries[] = {
    /* why an answer is refused: every branch says what would be right */
    {"answer.no_question", "Deze dia heeft geen vraag.", "This slide has no question."},
    {"answer.bad_chars", "Je antwoord bevat tekens die niet zijn toegestaan.",
     "Your answer contains characters that are not allowed."},
    {"answer.invisible", "Je antwoord bevat geen zichtbare tekens.",
     "Your answer has no visible characters."},
    {"answer.too_long", "Je antwoord is %zu tekens; het maximum is %d.",
     "Your answer is %zu characters; the maximum is %d."},
    {"answer.word_too_long", "Je woord is %zu tekens; het maximum is %d.",
     "Your word is %zu characters; the maximum is %d."},
    {"answer.empty", "Je antwoord is leeg.", "Your answer is empty."},
    {"answer.choice_list", "Kies een antwoord uit de lijst.", "Choose an answer from the list."},
    {"answer.choice_one", "Kies precies één antwoord.", "Choose exactly one answer."},
    {"answer.choice_twice", "Je koos hetzelfde antwoord twee keer.",
     "You chose the same answer twice."},
    {"answer.cloud_words", "Geef een of meer woorden.", "Give one or more words."},
    {"answer.cloud_text", "Elk woord moet tekst zijn.", "Every word must be text."},
    {"answer.cloud_too_many", "Je gaf meer dan %d woorden; het maximum is %d.",
     "You gave more than %d words; the maximum is %d."},
    {"answer.open_text", "Je antwoord moet tekst zijn.", "Your answer must be text."},
    {"answer.qa_vote", "Een stem moet het nummer van een vraag zijn.",
     "A vote must be the number of a question."},
    {"answer.qa_ask", "Stel een vraag als tekst, of stem op een vraag.",
     "Ask a question as text, or vote for a question."},
    {"answer.rank_all", "Zet alle %zu opties in een volgorde.", "Put all %zu options in an order."},
    {"answer.rank_once", "Elke optie komt precies één keer in de volgorde.",
     "Every option appears exactly once in the order."},
    {"answer.scale_all", "Geef bij elke stelling een score (%zu in totaal).",
     "Give a rating for every statement (%zu in all)."},
    {"answer.scale_range", "Een score loopt van 1 tot %d.", "A rating goes from 1 to %d."},
    /* a deck's lines: "line 3: " and then what is wrong and what was expected */
    {"deck.line", "regel %d: ", "line %d: "},
    {"deck.utf8", "ongeldige UTF-8 bij byte %zu (verwacht: tekst in UTF-8)",
     "invalid UTF-8 at byte %zu (expected UTF-8 text)"},
    {"deck.control", "stuurteken U+%04X (verwacht: tekst; alleen tabs en regeleinden mogen)",
     "control character U+%04X (expected text; only tabs and line ends are allowed)"},
    {"deck.date", "'%s' is geen datum (verwacht: JJJJ-MM-DD, meerdere gescheiden door komma's)",
     "'%s' is not a date (expected YYYY-MM-DD, several separated by commas)"},
    {"deck.dates", "meer dan %d data (verwacht: hoogstens %d)",
     "more than %d dates (expected at most %d)"},
    {"deck.text_empty", "de %s is leeg (verwacht: tekst na '%s:')",
     "the %s is empty (expected some text after '%s:')"},
    {"deck.text_long", "de %s is %zu tekens (verwacht: hoogstens %d)",
     "the %s is %zu characters (expected at most %d)"},
    {"deck.no_front",
     "de presentatie begint niet met haar kopgegevens (verwacht: een regel '---', dan regels zoals "
     "'title: ...', dan '---')",
     "the deck does not start with its front matter (expected a line '---', then lines such as "
     "'title: ...', then '---')"},
    {"deck.not_setting",
     "geen regel 'sleutel: waarde' (verwacht: title, subtitle, lang of dates, zoals 'title: "
     "Samenleven in diversiteit')",
     "not a 'key: value' line (expected title, subtitle, lang or dates, such as 'title: Samenleven "
     "in diversiteit')"},
    {"deck.unknown_key", "onbekende sleutel '%s' (verwacht: title, subtitle, lang of dates)",
     "unknown key '%s' (expected title, subtitle, lang or dates)"},
    {"deck.key_twice", "'%s' staat er twee keer (verwacht: elke sleutel één keer)",
     "'%s' appears twice (expected each key once)"},
    {"deck.lang", "onbekende taal '%s' (verwacht: nl of en)",
     "unknown language '%s' (expected nl or en)"},
    {"deck.reactions", "reactions is '%s' (verwacht: on of off)",
     "reactions is '%s' (expected on or off)"},
    {"deck.front_open",
     "de kopgegevens zijn niet afgesloten (verwacht: een regel '---' na de sleutels)",
     "the front matter is not closed (expected a line '---' after its keys)"},
    {"deck.no_title", "de kopgegevens hebben geen titel (verwacht: een regel 'title: ...')",
     "the front matter has no title (expected a line 'title: ...')"},
    {"deck.heading_long", "de titel (# …) is %zu tekens (verwacht: hoogstens %d)",
     "the heading is %zu characters (expected at most %d)"},
    {"deck.not_number", "%s '%s' is geen geheel getal (verwacht: %d tot en met %d)",
     "%s '%s' is not a whole number (expected %d to %d)"},
    {"deck.range", "%s %s valt buiten het bereik (verwacht: %d tot en met %d)",
     "%s %s is out of range (expected %d to %d)"},
    {"deck.multiple", "multiple is '%s' (verwacht: yes of no)",
     "multiple is '%s' (expected yes or no)"},
    {"deck.moderation", "moderation is '%s' (verwacht: approve of none)",
     "moderation is '%s' (expected approve or none)"},
    {"deck.results", "results is '%s' (verwacht: screen of phones)",
     "results is '%s' (expected screen or phones)"},
    {"deck.labels",
     "labels hebben één '|' nodig (verwacht: 'labels: laag | hoog', zoals 'labels: Helemaal oneens "
     "| Helemaal eens')",
     "labels need one '|' (expected 'labels: low | high', such as 'labels: Helemaal oneens | "
     "Helemaal eens')"},
    {"deck.label_long", "een label is %zu tekens (verwacht: hoogstens %d)",
     "a label is %zu characters (expected at most %d)"},
    {"deck.or", " of ", " or "},
    {"deck.unknown_setting", "onbekende instelling '%s' voor een %s-vraag (verwacht: %s)",
     "unknown setting '%s' for a %s question (expected %s)"},
    {"deck.item_too_many", "%s %zu is er één te veel (verwacht: hoogstens %d %s)",
     "%s %zu is one too many (expected at most %d %s)"},
    {"deck.item_empty", "lege %s (verwacht: tekst na '- ')", "empty %s (expected text after '- ')"},
    {"deck.item_twice", "%s '%s' staat er twee keer (verwacht: verschillende %s)",
     "%s '%s' appears twice (expected distinct %s)"},
    {"deck.malformed",
     "onleesbare vraag (verwacht: '? SOORT: titel', zoals '? open: Wat vind je belangrijk?')",
     "malformed question (expected '? TYPE: title', such as '? open: Wat vind je belangrijk?')"},
    {"deck.unknown_type",
     "onbekende vraagsoort '%s' (verwacht: open, cloud, choice, scale, rank of qa)",
     "unknown question type '%s' (expected open, cloud, choice, scale, rank or qa)"},
    {"deck.question_no_title", "de vraag heeft geen titel (verwacht: tekst na '%s:')",
     "the question has no title (expected text after '%s:')"},
    {"deck.question_long", "de vraag is %zu tekens (verwacht: hoogstens %d)",
     "the question is %zu characters (expected at most %d)"},
    {"deck.setting_twice", "'%s' staat er twee keer (verwacht: elke instelling één keer)",
     "'%s' appears twice (expected each setting once)"},
    {"deck.too_few",
     "te weinig %s voor een %s-vraag: %zu (verwacht: %d tot en met %d regels '- %s')",
     "too few %s for a %s question: %zu (expected %d to %d lines '- %s')"},
    {"deck.slides", "dia %d is er één te veel (verwacht: hoogstens %d)",
     "slide %d is one too many (expected at most %d)"},
    {"deck.title", "titel", "title"},
    {"deck.subtitle", "ondertitel", "subtitle"},
    {"deck.option", "optie", "option"},
    {"deck.options", "opties", "options"},
    {"deck.statement", "stelling", "statement"},
    {"deck.statements", "stellingen", "statements"},
    {"deck.bytes", "de presentatie is %zu bytes (verwacht: hoogstens %d)",
     "the deck is %zu bytes (expected at most %d)"},
    {"deck.empty_slide", "lege dia (verwacht: inhoud tussen deze '---' en de vorige)",
     "empty slide (expected some content between this '---' and the one before)"},
    {"themes.other", "Overig", "Other"},
    {"deck.no_slides", "geen dia's (verwacht: minstens één dia na de kopgegevens)",
     "no slides (expected at least one slide after the front matter)"},
    /* speaker notes (issue 13) */
    {"deck.notes_long", "de sprekersnotities zijn %zu tekens (verwacht: hoogstens %d)",
     "the speaker notes are %zu characters (expected at most %d)"},
    {"deck.notes_only",
     "de dia heeft alleen sprekersnotities (verwacht: inhoud of een vraag ervoor)",
     "the slide has only speaker notes (expected content or a question before them)"},
};

const i18n_table_t model__words = I18N_TABLE("model", entries);

const char *model__tr(const char *lang, const char *key)
{
	/* Unlike app's, the model's callers pass only keys: a key missing here
	 * (or two texts at a call site left from before the table) would show
	 * the key to a participant, so the tests' builds stop on it. */
	assert(i18n_has(&model__words, key));
	return i18n_tr(&model__words, lang, key);
}
