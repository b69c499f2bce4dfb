/*
 * i18n: the server's words for people, in Dutch and English. The pages'
 * own words live in web/static/i18n.js; these are the ones the server says
 * itself (errors, the form without JavaScript).
 */
#include <string.h>

#include "app/internal.h"

static const struct {
	const char *key, *nl, *en;
} words[] = {
	{"err.closed", "Stemmen is gesloten voor deze vraag.", "Voting is closed for this question."},
	{"err.ended", "Deze sessie is afgelopen; er kunnen geen antwoorden meer bij.",
	 "This session has ended; no more answers can be added."},
	{"err.not_current", "Deze vraag is niet meer actief; de presentatie is verder gegaan.",
	 "This question is no longer active; the presentation has moved on."},
	{"err.already", "Je hebt op deze vraag al gestemd.", "You have already voted on this question."},
	{"err.limit", "Je hebt het maximale aantal antwoorden voor deze vraag gegeven.",
	 "You have given the maximum number of answers for this question."},
	{"err.rate", "Even rustig aan: je stuurt te veel in korte tijd. Probeer het zo opnieuw.",
	 "Slow down: too many answers in a short time. Try again in a moment."},
	{"err.unavailable",
	 "Je antwoord kon nu niet worden opgeslagen. Probeer het zo opnieuw; er is niets verloren.",
	 "Your answer could not be saved right now. Please try again; nothing was lost."},
	{"err.own", "Je kunt niet op je eigen vraag stemmen.", "You cannot upvote your own question."},
	{"err.noitem", "Die vraag bestaat niet (meer).", "That question does not exist (any more)."},
	{"err.id", "Het veld \"id\" moet 8 tot 64 letters, cijfers, _ of - bevatten.",
	 "The field \"id\" must be 8 to 64 letters, digits, _ or -."},
	{"err.slide", "Het veld \"slide\" moet het nummer van een dia zijn.",
	 "The field \"slide\" must be the number of a slide."},
	{"err.value", "Het veld \"value\" ontbreekt.", "The field \"value\" is missing."},
	{"err.json", "Het verzoek is geen geldige JSON", "The request is not valid JSON"},
	{"err.body", "Het verzoek is te groot.", "The request is too large."},
	{"err.form", "Het formulier is onvolledig; laad de pagina opnieuw.",
	 "The form is incomplete; please reload the page."},
	{"err.code", "Onbekende code. Controleer de cijfers en probeer het opnieuw.",
	 "Unknown code. Check the digits and try again."},
	{"err.lookups", "Te veel onbekende codes geprobeerd. Probeer het over %d seconden opnieuw.",
	 "Too many unknown codes tried. Try again in %d seconds."},
	{"err.logins", "Te veel mislukte pogingen. Probeer het over %d seconden opnieuw.",
	 "Too many failed attempts. Try again in %d seconds."},
	{"err.code_format", "Een code bestaat uit 6 tot 8 cijfers.", "A code has 6 to 8 digits."},
	{"form.answer", "Jouw antwoord", "Your answer"},
	{"form.ask", "Jouw vraag", "Your question"},
	{"form.word", "Woord", "Word"},
	{"form.choose_one", "Kies één antwoord", "Choose one answer"},
	{"form.choose_many", "Kies een of meer antwoorden", "Choose one or more answers"},
	{"form.place", "Plaats", "Place"},
	{"form.send", "Versturen", "Send"},
	{"form.done", "Je hebt deze vraag beantwoord. Laad de pagina opnieuw voor de volgende vraag.",
	 "You have answered this question. Reload the page for the next question."},
	{"form.sent", "Bedankt, je antwoord is ontvangen.", "Thank you, your answer was received."},
	{"results.title", "Resultaten", "Results"},
	{"results.so_far", "Tussenstand", "Results so far"},
	{"results.hidden", "De resultaten verschijnen straks.", "The results will appear shortly."},
	{"results.respondents", "deelnemers", "participants"},
	{"results.respondent", "deelnemer", "participant"},
	{"results.mean", "gemiddeld", "average"},
	{"results.place", "gemiddelde plaats", "average place"},
	{"results.more", "En nog %lld antwoorden.", "And %lld more answers."},
	{"results.more_one", "En nog 1 antwoord.", "And 1 more answer."},
	{"results.none", "Nog geen antwoorden.", "No answers yet."},
	{"login.wrong", "Onbekende naam of verkeerd wachtwoord.", "Unknown name or wrong password."},
	{"login.missing", "Vul je naam en wachtwoord in.", "Enter your name and password."},
	{"login.link", "Deze inloglink is ongeldig of al gebruikt. Log in met je wachtwoord.",
	 "This login link is invalid or was used already. Log in with your password."},
};

const char *tr(const char *lang, const char *key)
{
	bool nl = lang && strcmp(lang, "nl") == 0;
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (strcmp(words[i].key, key) == 0)
			return nl ? words[i].nl : words[i].en;
	return key;
}
