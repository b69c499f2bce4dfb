/*
 * i18n: the server's words for people, in Dutch and English. The pages'
 * own words live in web/static/i18n.js and web/static/app-i18n.js; these
 * are the ones the server says itself (errors, the form without
 * JavaScript, the workspace API's messages).
 *
 * The app layer's table of util/i18n.h, looked up by key: tr(lang, key) in
 * a session's or a page's language, tr_req(req, key) in the language the
 * request asks for (Accept-Language, which the workspace's pages set to
 * their own; English otherwise, which is what scripts get). A text with
 * arguments is a printf format in both languages with the same conversions
 * in the same order; tests/unit/test_i18n.c checks every entry.
 *
 * A string that is no key comes back as it is: a message another module
 * made already in the right language (a deck's line error, a store's
 * reason) can go the same way as a key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/internal.h"

static const i18n_entry_t entries[] = {
    {"err.closed", "Stemmen is gesloten voor deze vraag.", "Voting is closed for this question."},
    {"err.ended", "Deze sessie is afgelopen; er kunnen geen antwoorden meer bij.",
     "This session has ended; no more answers can be added."},
    {"err.not_current", "Deze vraag is niet meer actief; de presentatie is verder gegaan.",
     "This question is no longer active; the presentation has moved on."},
    {"err.no_question", "Deze vragenlijst heeft geen vraag met dat nummer.",
     "This questionnaire has no question with that number."},
    {"err.not_self_paced", "Deze sessie volgt de presentatie; er is geen vragenlijst.",
     "This session follows its presenter; it has no questionnaire."},
    {"err.already", "Je hebt op deze vraag al gestemd.",
     "You have already voted on this question."},
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
    {"err.reactions_off", "Reacties staan uit bij deze presentatie.",
     "Reactions are off for this presentation."},
    {"form.sent_held",
     "Bedankt, je antwoord is ontvangen. Het verschijnt op het scherm zodra een moderator het "
     "heeft bekeken.",
     "Thank you, your answer was received. It appears on the screen once a moderator has looked "
     "at it."},
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
    {"self.intro",
     "Deze vragen staan open tussen de bijeenkomsten. Beantwoord ze in je eigen tempo en in de "
     "volgorde die je wilt; je kunt later terugkomen om verder te gaan.",
     "These questions stay open between the meetings. Answer them at your own pace and in any "
     "order; you can come back later to go on."},
    {"self.progress", "Je hebt %zu van de %zu vragen beantwoord.",
     "You have answered %zu of the %zu questions."},
    {"self.closed", "De vragenlijst is even gesloten: er kunnen nu geen antwoorden bij.",
     "The questionnaire is closed for now: no answers can be added."},
    {"self.question_n", "Vraag %zu van %zu", "Question %zu of %zu"},
    {"self.mine_one", "Jouw antwoord", "Your answer"},
    {"self.mine_many", "Jouw antwoorden", "Your answers"},
    {"self.held", "wacht op een moderator", "waiting for a moderator"},
    {"self.refused", "Je antwoord is niet opgeslagen.", "Your answer was not saved."},
    {"self.to_question", "Naar de vraag", "Go to the question"},
    {"login.wrong", "Onbekende naam of verkeerd wachtwoord.", "Unknown name or wrong password."},
    {"login.missing", "Vul je naam en wachtwoord in.", "Enter your name and password."},
    {"login.link", "Deze inloglink is ongeldig of al gebruikt. Log in met je wachtwoord.",
     "This login link is invalid or was used already. Log in with your password."},
    {"login.title", "inspraak — inloggen", "inspraak — log in"},
    {"login.heading", "Inloggen", "Log in"},
    {"login.lead", "Voor facilitators en moderatoren.", "For facilitators and moderators."},
    {"login.name", "Naam", "Name"},
    {"login.password", "Wachtwoord", "Password"},
    {"login.submit", "Inloggen", "Log in"},
    /* the link to the page in the other language, named in that language */
    {"login.other", "English", "Nederlands"},
    /* The workspace's API: the English is what scripts get. */
    /* requests */
    {"api.body_too_large", "Het verzoek is te groot.", "request body too large"},
    {"api.expected_object", "Verwacht een JSON-object", "expected a JSON object"},
    {"api.not_found", "Niet gevonden.", "not found"},
    {"api.reaction", "Verwacht {\"reaction\": NAAM} met NAAM clap, heart, laugh, wow of idea.",
     "expected {\"reaction\": NAME} with NAME clap, heart, laugh, wow or idea"},
    {"api.method_not_allowed", "Deze methode is hier niet toegestaan.", "method not allowed"},
    {"api.log_in", "Log eerst in.", "log in first"},
    {"api.csrf", "Deze pagina hoort bij een login die niet meer geldt; laad de pagina opnieuw.",
     "missing or wrong X-CSRF-Token header (see GET /api/v1/me)"},
    /* users and passwords */
    {"users.expected_passwords", "Verwacht {\"current\": \"…\", \"new\": \"…\"}.",
     "expected {\"current\": \"…\", \"new\": \"…\"}"},
    {"users.wrong_current", "Het huidige wachtwoord klopt niet.",
     "the current password is not right"},
    {"users.admins_only", "Alleen beheerders beheren gebruikers.", "only admins manage users"},
    {"api.admins_only", "Alleen beheerders mogen dit doen.", "only admins may do this"},
    {"users.expected_user", "Verwacht {\"name\", \"password\", \"role\"}.",
     "expected {\"name\", \"password\", \"role\"}"},
    {"users.not_self", "Je kunt jezelf niet verwijderen.", "you cannot delete yourself"},
    {"users.no_such", "Er is geen gebruiker met die naam.", "no such user"},
    {"users.password_length", "Een wachtwoord heeft 8 tot 200 tekens (dit heeft er %zu).",
     "a password has 8 to 200 characters (this one has %zu)"},
    {"users.hash_memory", "Niet genoeg geheugen om het wachtwoord te versleutelen.",
     "not enough memory to hash the password"},
    {"users.name_chars", "Een gebruikersnaam heeft 1 tot 64 letters, cijfers of de tekens . _ - @",
     "a user name has 1 to 64 letters, digits or the characters . _ - @"},
    {"users.role", "Een rol is admin, facilitator of moderator (niet '%s').",
     "a role is admin, facilitator or moderator (not '%s')"},
    {"users.exists", "Er is al een gebruiker die %s heet.", "a user called %s exists already"},
    {"users.not_stored", "De gebruiker kon niet worden opgeslagen: %s",
     "the user could not be stored: %s"},
    {"users.no_such_named", "Er is geen gebruiker die %s heet.", "there is no user called %s"},
    {"users.password_not_stored", "Het wachtwoord kon niet worden opgeslagen: %s",
     "the password could not be stored: %s"},
    /* events */
    {"events.no_such", "Dit evenement bestaat niet of je hebt er geen toegang toe.",
     "no such event"},
    {"events.moderators_create", "Moderatoren kunnen geen evenementen maken.",
     "moderators cannot create events"},
    {"events.title", "De titel is leeg of heeft meer dan één regel.",
     "the title is empty or has more than one line"},
    {"events.no_such_duplicate", "Dit evenement bestaat niet of je mag het niet kopiëren.",
     "no such event of yours to duplicate"},
    {"events.expected_new", "Verwacht {\"deck\": …}, {\"title\": …} of {\"duplicate\": ID}.",
     "expected {\"deck\": …}, {\"title\": …} or {\"duplicate\": ID}"},
    {"events.expected_change", "Verwacht {\"deck\": …} en/of {\"summary\": …}.",
     "expected {\"deck\": …} and/or {\"summary\": …}"},
    {"events.summary_invalid", "De samenvatting moet geldige tekst zijn van hoogstens 32 KiB.",
     "the summary must be valid text of at most 32 KiB"},
    {"events.has_answers",
     "Dit evenement heeft antwoorden, en die horen bij zijn vragen; maak een kopie om de "
     "presentatie te wijzigen.",
     "this event has answers, which belong to its questions; duplicate the event to change "
     "its deck"},
    {"events.deck_not_changed",
     "De presentatie kon niet worden gewijzigd: het evenement heeft antwoorden, of de "
     "opslag faalde.",
     "the deck could not be changed: the event has answers, or the store failed"},
    {"events.not_stored", "Het evenement kon niet worden opgeslagen: %s",
     "the event could not be stored: %s"},
    {"events.summary_not_saved",
     "De samenvatting kon niet worden opgeslagen; probeer het zo opnieuw.",
     "the summary could not be saved"},
    {"events.session_not_started", "De sessie kon niet worden gestart; probeer het zo opnieuw.",
     "the session could not be started"},
    {"events.mode",
     "\"mode\" is \"live\" (de sessie volgt de presentatie) of \"self-paced\" (online, in "
     "eigen tempo).",
     "\"mode\" is \"live\" or \"self-paced\""},
    {"events.expected_share", "Verwacht {\"name\": …, \"role\": \"moderator\" of \"facilitator\"}.",
     "expected {\"name\": …, \"role\": \"moderator\" or \"facilitator\"}"},
    {"events.not_deleted", "Het evenement kon niet worden verwijderd; probeer het zo opnieuw.",
     "the event could not be deleted"},
    {"events.moderators_change", "Als moderator kun je dit evenement niet wijzigen.",
     "moderators cannot change events"},
    {"events.owner_deletes", "Alleen de eigenaar mag een evenement verwijderen.",
     "only the owner may delete an event"},
    /* images */
    {"images.empty", "Het bestand is leeg.", "send the image's bytes as the request body"},
    {"images.too_large", "Een afbeelding mag hoogstens 5 MiB zijn.",
     "an image can be at most 5 MiB"},
    {"images.type",
     "Alleen PNG-, JPEG- of WebP-afbeeldingen kunnen worden gebruikt (dit bestand is geen van "
     "drieën, wat de naam ook zegt).",
     "only PNG, JPEG or WebP images can be used (this file is none of them, whatever its name "
     "says)"},
    {"images.not_stored", "De afbeelding kon niet worden opgeslagen; probeer het zo opnieuw.",
     "the image could not be stored"},
    /* running and moderating sessions */
    {"sessions.facilitators_only", "Alleen de facilitators van dit evenement kunnen dit doen.",
     "only the event's facilitators may do this"},
    {"sessions.not_shared", "Dit evenement is niet met je gedeeld.",
     "this event is not shared with you"},
    {"sessions.expected_action",
     "Verwacht een JSON-object met \"action\": next, prev, goto, open, close, show-results, "
     "hide-results of end.",
     "expected a JSON object with \"action\": next, prev, goto, open, close, show-results, "
     "hide-results or end"},
    {"sessions.ended", "Deze sessie is beëindigd.", "this session has ended"},
    {"sessions.slide", "\"slide\" moet het id van een dia van deze sessie zijn.",
     "\"slide\" must be the id of a slide of this session"},
    {"sessions.unknown_action",
     "Onbekende actie; verwacht next, prev, goto, open, close, show-results of hide-results.",
     "unknown action; expected next, prev, goto, open, close, show-results or hide-results"},
    {"api.change_not_saved", "De wijziging kon niet worden opgeslagen; probeer het zo opnieuw.",
     "the change could not be saved"},
    {"sessions.no_such_answer", "Dit antwoord hoort niet bij een lopende sessie.",
     "no such answer in a live session"},
    {"sessions.qa_only",
     "Alleen vragen van een Q&A kunnen als beantwoord gemarkeerd of vastgezet worden.",
     "only Q&A questions can be marked answered or pinned"},
    /* the report's download */
    {"reports.format", "Het formaat moet pdf, md, html, csv, xlsx of json zijn.",
     "format must be one of pdf, md, html, csv, xlsx, json"},
    {"reports.session", "De sessie moet een sessienummer zijn (1, 2, …) of all.",
     "session must be a session number (1, 2, …) or all"},
    {"reports.no_session_one", "Dit evenement heeft 1 sessie; er is geen sessie %d.",
     "this event has 1 session; there is no session %d"},
    {"reports.no_session", "Dit evenement heeft %d sessies; er is geen sessie %d.",
     "this event has %d sessions; there is no session %d"},
    {"reports.stopping", "De server stopt; probeer het zo opnieuw.",
     "the server is stopping; try again in a moment"},
    {"reports.failed", "Het rapport kon niet worden gemaakt; probeer het later opnieuw.",
     "the report could not be made; try again later"},
    {"reports.not_started", "Het rapport kon niet worden gestart; probeer het zo opnieuw.",
     "the report could not be started"},
    /* slides from a PDF and a deck's zip (issue 13) */
    {"pdf.not_pdf", "dit bestand is geen pdf (het begint niet als een pdf, wat de naam ook zegt)",
     "this file is no PDF (it does not start as one, whatever its name says)"},
    {"pdf.locked",
     "deze pdf is met een wachtwoord beveiligd; exporteer hem opnieuw zonder wachtwoord",
     "this PDF is protected by a password; export it again without one"},
    {"pdf.unreadable", "deze pdf is onleesbaar; exporteer hem opnieuw uit het presentatieprogramma",
     "this PDF cannot be read; export it again from the presentation program"},
    {"pdf.no_pages", "deze pdf heeft geen pagina's", "this PDF has no pages"},
    {"pdf.too_many",
     "deze pdf heeft %d pagina's; er kunnen er hoogstens %d tegelijk worden ingelezen",
     "this PDF has %d pages; at most %d can be imported at once"},
    {"pdf.stopping", "de server stopt", "the server is stopping"},
    {"pdf.page_failed", "pagina %d van deze pdf kan niet getekend worden",
     "page %d of this PDF cannot be drawn"},
    {"pdf.page_slow",
     "pagina %d kostte meer dan %llu seconden om te tekenen; vereenvoudig hem of exporteer met "
     "kleinere afbeeldingen",
     "page %d took more than %llu seconds to draw; simplify it or export it with smaller pictures"},
    {"pdf.total_slow",
     "het tekenen van de pdf duurde meer dan %llu seconden (gestopt bij pagina %d); lees hem in "
     "delen in",
     "the PDF took more than %llu seconds to draw (stopped at page %d); import it in parts"},
    {"pdf.no_office",
     "deze server kan geen PowerPoint-bestanden lezen: LibreOffice is er niet op geïnstalleerd. "
     "Bewaar de presentatie als pdf (in PowerPoint: Bestand, Exporteren, PDF) en lees die in",
     "this server cannot read PowerPoint files: LibreOffice is not installed on it. Save the "
     "presentation as PDF (in PowerPoint: File, Export, PDF) and import that"},
    {"pdf.no_tmpdir", "geen ruimte voor een tijdelijke map", "no room for a temporary folder"},
    {"pdf.no_tmpfile", "geen ruimte voor een tijdelijk bestand", "no room for a temporary file"},
    {"pdf.office_start", "LibreOffice kon niet worden gestart", "LibreOffice could not be started"},
    {"pdf.office_slow",
     "LibreOffice deed er langer dan %d seconden over om de presentatie om te zetten; bewaar hem "
     "als pdf en lees die in",
     "LibreOffice took more than %d seconds to convert the presentation; save it as PDF and import "
     "that"},
    {"pdf.office_failed",
     "LibreOffice kon deze presentatie niet omzetten; bewaar hem als pdf en lees die in",
     "LibreOffice could not convert this presentation; save it as PDF and import that"},
    {"pdf.too_large", "een pdf mag hoogstens 30 MiB zijn", "a PDF can be at most 30 MiB"},
    {"pdf.empty", "stuur de bytes van de pdf als inhoud van het verzoek",
     "send the PDF's bytes as the request body"},
    {"zip.not_zip", "dit bestand is geen zip-bestand, of een beschadigd",
     "this file is no zip file, or a damaged one"},
    {"zip.too_many", "het zip-bestand bevat %lld bestanden; er worden er hoogstens %d gelezen",
     "the zip holds %lld files; at most %d are read"},
    {"zip.too_large", "%s in het zip-bestand is groter dan %zu MiB",
     "%s in the zip is larger than %zu MiB"},
    {"zip.unreadable", "%s in het zip-bestand is onleesbaar (beschadigd of versleuteld)",
     "%s in the zip cannot be read (damaged, or encrypted)"},
    {"zip.total", "het zip-bestand is uitgepakt groter dan %d MiB",
     "the zip holds more than %d MiB once unpacked"},
    {"zip.two_decks", "het zip-bestand bevat meer dan één presentatie (.md-bestand)",
     "the zip holds more than one deck (.md file)"},
    {"zip.not_utf8", "de presentatie %s is geen tekst in UTF-8", "the deck %s is not UTF-8 text"},
    {"zip.no_deck", "het zip-bestand bevat geen presentatie (verwacht: één .md-bestand)",
     "the zip holds no deck (expected one .md file)"},
    {"zip.body", "stuur een zip-bestand van hoogstens 30 MiB als inhoud van het verzoek",
     "send a zip file of at most 30 MiB as the request body"},
    {"zip.not_made", "Het zip-bestand kon niet worden gemaakt.", "the zip file could not be made"},
    /* named sessions, the flyer (issue 13) */
    {"sessions.no_such_code", "Dit evenement heeft geen sessie met die code.",
     "no such session of this event"},
    {"sessions.name_invalid",
     "Verwacht {\"name\": …}: één regel van hoogstens 60 tekens, \"\" voor geen naam.",
     "expected {\"name\": …}: one line of at most 60 characters, \"\" for none"},
    {"flyer.size", "Het formaat is a4 of a5.", "size is a4 or a5"},
    {"flyer.failed", "De flyer kon niet worden gemaakt; probeer het zo opnieuw.",
     "the flyer could not be made; try again in a moment"},
    /* the website: processes and topics (process.c, site.c) */
    {"process.no_such", "Deze website bestaat niet (meer).",
     "This website does not exist (any more)."},
    {"process.no_topic", "Dit onderwerp bestaat niet.", "This topic does not exist."},
    {"process.no_post", "Deze bijdrage bestaat niet (meer).",
     "This contribution does not exist (any more)."},
    {"process.no_parent", "Je kunt alleen reageren op een bijdrage bij dit onderwerp.",
     "You can only reply to a contribution on this topic."},
    {"process.closed", "Dit onderwerp is gesloten: de fase is voorbij, er kan niets meer bij.",
     "This topic is closed: its phase has ended, nothing more can be added."},
    {"process.empty", "Schrijf eerst je bijdrage.", "Write your contribution first."},
    {"process.too_long", "Je bijdrage is te lang: hooguit %d tekens.",
     "Your contribution is too long: at most %d characters."},
    {"process.text", "Je bijdrage bevat tekens die niet kunnen.",
     "Your contribution holds characters that cannot be used."},
    {"process.body", "Verwacht een JSON-object met de velden van deze aanvraag.",
     "Expected a JSON object with this request's fields."},
    {"process.engine", "Deze database kan (nog) geen website bewaren; gebruik SQLite.",
     "This database cannot keep a website (yet); use SQLite."},
    {"process.busy", "Een vorige wijziging wordt nog opgeslagen; probeer het zo opnieuw.",
     "An earlier change is still being saved; try again in a moment."},
    {"process.slug",
     "Het webadres mag alleen kleine letters, cijfers en streepjes bevatten (2 tot 60 tekens, niet "
     "alleen cijfers).",
     "The web address may hold only lower-case letters, digits and hyphens (2 to 60 characters, "
     "not digits only)."},
    {"process.slug_taken", "Dit webadres is al in gebruik.", "This web address is taken."},
    {"process.desc", "De beschrijving is te lang of bevat tekens die niet kunnen.",
     "The description is too long or holds characters that cannot be used."},
    {"process.phases", "Hooguit 12 fasen, als lijst.", "At most 12 phases, as a list."},
    {"process.topics", "Hooguit 100 onderwerpen, als lijst.", "At most 100 topics, as a list."},
    {"process.phase_name", "Elke fase heeft een naam (hooguit 200 tekens).",
     "Every phase needs a name (at most 200 characters)."},
    {"process.date", "Een datum is JJJJ-MM-DD, of leeg.", "A date is YYYY-MM-DD, or empty."},
    {"process.date_order", "Een fase eindigt niet voor ze begint.",
     "A phase cannot end before it starts."},
    {"process.topic_title", "Elk onderwerp heeft een titel (hooguit 200 tekens).",
     "Every topic needs a title (at most 200 characters)."},
    {"process.topic_body", "De tekst van een onderwerp is te lang.", "A topic's text is too long."},
    {"process.topic_phase", "Een onderwerp hoort bij een fase van de lijst, of bij geen.",
     "A topic belongs to a phase of the list, or to none."},
    {"process.topic_slide", "Een onderwerp kan alleen een vraag van deze bijeenkomst zijn.",
     "A topic can only be a question of this event."},
    {"process.unreadable", "onleesbaar", "unreadable"},
    {"site.language", "English", "Nederlands"},
    {"site.phases", "Fasen", "Phases"},
    {"site.now", "nu", "now"},
    {"site.topics", "Onderwerpen", "Topics"},
    {"site.no_topics", "Er zijn nog geen onderwerpen.", "There are no topics yet."},
    {"site.count_one", "%zu bijdrage", "%zu contribution"},
    {"site.count", "%zu bijdragen", "%zu contributions"},
    {"site.from_meeting", "uit de bijeenkomst", "from the meeting"},
    {"site.open", "open", "open"},
    {"site.open_until", "open tot en met", "open until"},
    {"site.closed_on", "gesloten na", "closed after"},
    {"site.questionnaire", "Beantwoord alle vragen van de bijeenkomst",
     "Answer all of the meeting's questions"},
    {"site.anonymous",
     "Je doet anoniem mee: we bewaren geen naam of e-mailadres, alleen een willekeurige code in "
     "een cookie op dit apparaat.",
     "You take part anonymously: we keep no name or e-mail address, only a random code in a cookie "
     "on this device."},
    {"site.retention", "Welke bijdragen van hetzelfde apparaat komen, weten we tot en met",
     "Which contributions come from the same device is known until"},
    {"site.retention_after", "; daarna wissen we dat en blijven de bijdragen anoniem staan.",
     "; after that it is erased and the contributions stay, anonymously."},
    {"site.retention_done", "Niets is nog aan een apparaat gekoppeld: dat is gewist na",
     "Nothing is tied to a device any more: that was erased after"},
    {"site.handoff_title", "Praat verder online", "Carry on online"},
    {"site.handoff", "Naar de website: praat mee over alle onderwerpen",
     "To the website: join the conversation on every topic"},
    {"site.crumbs", "Kruimelpad", "Breadcrumb"},
    {"site.reaction", "Reactie van de gemeente", "The municipality's reaction"},
    {"site.meeting", "Wat er op de bijeenkomst gezegd is", "What was said at the meeting"},
    {"site.online", "Online", "Online"},
    {"site.session_of", "Bijeenkomst van", "Meeting of"},
    {"site.your_answer", "Jouw antwoord op de vraag", "Your answer to the question"},
    {"site.contribute", "Praat mee", "Join the conversation"},
    {"site.your_contribution", "Jouw bijdrage", "Your contribution"},
    {"site.send", "Plaatsen", "Post"},
    {"site.to_form", "Naar het formulier", "To the form"},
    {"site.no_posts", "Nog geen bijdragen: schrijf de eerste.",
     "No contributions yet: write the first."},
    {"site.held", "wacht op een moderator; alleen jij ziet dit nu",
     "waiting for a moderator; only you see this now"},
    {"site.support", "Ik ook", "Me too"},
    {"site.supports", "Ik ook", "Me too"},
    {"site.support_count", "(%lld)", "(%lld)"},
    {"site.supported", "Je zei: ik ook", "You said: me too"},
    {"site.flag", "Melden", "Report"},
    {"site.flagged", "Gemeld bij de moderatoren", "Reported to the moderators"},
    {"site.reply", "Reageren", "Reply"},
    {"site.your_reply", "Jouw reactie", "Your reply"},
    {"site.send_reply", "Reactie plaatsen", "Post reply"},
    {"site.sent_post", "Je bijdrage staat erbij. Dank je wel!",
     "Your contribution is posted. Thank you!"},
    {"site.sent_held",
     "Dank je wel! Je bijdrage verschijnt zodra een moderator ernaar gekeken heeft.",
     "Thank you! Your contribution appears once a moderator has looked at it."},
    {"site.sent_support", "Je steun is geteld.", "Your support is counted."},
    {"site.sent_flag", "Dank je wel: de moderatoren kijken ernaar.",
     "Thank you: the moderators will look at it."},
    {"site.pages", "Pagina's", "Pages"},
    {"site.newer", "Nieuwere bijdragen", "Newer contributions"},
    {"site.older", "Oudere bijdragen", "Older contributions"},
    /* e-mail on the website (login_mail.c) */
    {"mail.title", "Mijn e-mail", "My e-mail"},
    {"mail.off", "Op deze website kun je geen e-mailadres bevestigen.",
     "This website does not take e-mail addresses."},
    {"site.anonymous_mail",
     "Je doet anoniem mee: we bewaren een willekeurige code in een cookie op dit apparaat, en "
     "een e-mailadres alleen als je dat zelf bevestigt.",
     "You take part anonymously: we keep a random code in a cookie on this device, and an e-mail "
     "address only if you confirm one yourself."},
    {"site.mail_link", "Verder op een ander apparaat, of een samenvatting per e-mail?",
     "Continue on another device, or a summary by e-mail?"},
    {"mail.why",
     "Bevestig een e-mailadres om op een ander apparaat verder te gaan als dezelfde deelnemer "
     "en om, als je wilt, een dagelijkse samenvatting te krijgen. Je krijgt een link die 30 "
     "minuten geldig is.",
     "Confirm an e-mail address to continue on another device as the same participant and, if "
     "you like, to receive a daily summary. You get a link that is valid for 30 minutes."},
    {"mail.address", "Je e-mailadres", "Your e-mail address"},
    {"mail.address_hint", "We gebruiken het alleen hiervoor en laten het niemand zien.",
     "We use it for this only and show it to no one."},
    {"mail.send_link", "Stuur mij een link", "Send me a link"},
    {"mail.bad_address", "Dat is geen e-mailadres. Kijk het na, bijvoorbeeld naam@voorbeeld.nl.",
     "That is not an e-mail address. Check it, for example name@example.org."},
    {"mail.sent",
     "Als dit adres gebruikt kan worden, is er een e-mail met een link onderweg. Kijk ook bij "
     "ongewenste mail.",
     "If this address can be used, an e-mail with a link is on its way. Check your spam folder "
     "too."},
    {"mail.link_subject", "Je link voor %s", "Your link for %s"},
    {"mail.link_text",
     "Hallo,\n\nVolg deze link om je e-mailadres te bevestigen op de website van \"%s\":\n\n"
     "%s\n\nDe link werkt één keer en is %d minuten geldig. Heb je hier niet om gevraagd? Dan "
     "kun je deze e-mail weggooien.\n",
     "Hello,\n\nFollow this link to confirm your e-mail address on the website of \"%s\":\n\n"
     "%s\n\nThe link works once and is valid for %d minutes. Did you not ask for it? Then you "
     "can delete this e-mail.\n"},
    {"mail.confirm_title", "E-mailadres bevestigen", "Confirm your e-mail address"},
    {"mail.confirm_explain",
     "Bevestig je e-mailadres. Daarna ben je in deze browser dezelfde deelnemer als op het "
     "apparaat waarop je het eerst bevestigde.",
     "Confirm your e-mail address. This browser then becomes the same participant as the device "
     "on which you first confirmed it."},
    {"mail.confirm", "Bevestig mijn e-mailadres", "Confirm my e-mail address"},
    {"mail.confirmed", "Je e-mailadres is bevestigd.", "Your e-mail address is confirmed."},
    {"mail.link_title", "Deze link werkt niet meer", "This link no longer works"},
    {"mail.link_used", "Deze link is al gebruikt. Een link werkt maar één keer.",
     "This link has been used already. A link works only once."},
    {"mail.link_expired", "Deze link is verlopen: een link is 30 minuten geldig.",
     "This link has expired: a link is valid for 30 minutes."},
    {"mail.link_unknown", "Deze link kennen we niet. Kopieer hem helemaal, of vraag een nieuwe.",
     "We do not know this link. Copy all of it, or ask for a new one."},
    {"mail.ask_again", "Vraag hieronder een nieuwe link aan.", "Ask for a new link below."},
    {"mail.is_confirmed",
     "Je e-mailadres is bevestigd. Volg op een ander apparaat een nieuwe link om daar verder te "
     "gaan als dezelfde deelnemer.",
     "Your e-mail address is confirmed. Follow a new link on another device to continue there as "
     "the same participant."},
    {"mail.not_confirmed", "Bevestig eerst een e-mailadres.", "Confirm an e-mail address first."},
    {"mail.digest", "Samenvatting per e-mail", "Summary by e-mail"},
    {"mail.digest_explain",
     "Hoogstens één e-mail per dag, alleen als er iets is: een nieuwe fase, een reactie van de "
     "gemeente of een antwoord op jouw bijdrage.",
     "At most one e-mail a day, only when there is news: a new phase, a reaction of the "
     "municipality or a reply to your contribution."},
    {"mail.digest_is_on", "Je krijgt een dagelijkse samenvatting als er iets nieuws is.",
     "You receive a daily summary when there is news."},
    {"mail.digest_start", "Stuur mij de samenvatting", "Send me the summary"},
    {"mail.digest_stop", "Stop de samenvatting", "Stop the summary"},
    {"mail.digest_topics", "Waarover? Niets aangevinkt: het hele proces.",
     "About what? Nothing ticked: the whole process."},
    {"mail.digest_save", "Bewaar mijn keuze", "Save my choice"},
    {"mail.digest_on", "Je krijgt voortaan de samenvatting.", "You will receive the summary."},
    {"mail.digest_off", "Je krijgt de samenvatting niet meer.",
     "You will no longer receive the summary."},
    {"mail.forget_title", "Je e-mailadres", "Your e-mail address"},
    {"mail.forget", "Verwijder mijn e-mailadres", "Remove my e-mail address"},
    {"mail.forgotten", "Je e-mailadres is verwijderd.", "Your e-mail address has been removed."},
    {"mail.privacy",
     "Je e-mailadres bewaren we alleen hiervoor; niemand anders ziet het, ook de gemeente niet.",
     "We keep your e-mail address for this only; no one else sees it, not even the "
     "municipality."},
    {"mail.until", "We wissen het na", "We erase it after"},
    {"mail.back", "Terug naar de website", "Back to the website"},
    {"mail.unsubscribe_title", "Afmelden voor de samenvatting", "Unsubscribe from the summary"},
    {"mail.unsubscribe", "Meld mij af", "Unsubscribe me"},
    {"mail.unsubscribed", "Je bent afgemeld voor de samenvatting.",
     "You have been unsubscribed from the summary."},
    {"mail.bad_unsubscribe", "Deze afmeldlink klopt niet. Kopieer hem helemaal uit de e-mail.",
     "This unsubscribe link is not right. Copy all of it from the e-mail."},
    {"mail.digest_subject", "Nieuws over %s", "News about %s"},
    {"mail.digest_phase", "Een nieuwe fase is begonnen: %s.", "A new phase has begun: %s."},
    {"mail.digest_reaction",
     "De gemeente reageerde bij \"%s\":", "The municipality reacted on \"%s\":"},
    {"mail.digest_reply", "Iemand antwoordde op jouw bijdrage bij \"%s\":",
     "Someone replied to your contribution on \"%s\":"},
    {"mail.needed",
     "Op deze website doe je mee met een bevestigd e-mailadres: bevestig het via \"Mijn "
     "e-mail\" op de pagina van het proces.",
     "On this website you take part with a confirmed e-mail address: confirm it through \"My "
     "e-mail\" on the process's page."},
    {"invite.title", "Uitnodigingscode", "Invitation code"},
    {"invite.why", "Deze website is voor een panel: met je uitnodigingscode doe je mee.",
     "This website is for a panel: your invitation code lets you take part."},
    {"invite.code", "Je code", "Your code"},
    {"invite.use", "Doe mee met deze code", "Take part with this code"},
    {"invite.joined", "Je doet mee als lid van het panel.",
     "You take part as a member of the panel."},
    {"invite.unknown", "Deze code kennen we niet. Kijk hem na: tien letters en cijfers.",
     "We do not know this code. Check it: ten letters and digits."},
    {"invite.used", "Deze code is al door iemand anders gebruikt.",
     "This code has been used by someone else already."},
    {"invite.needed",
     "Alleen leden van het panel doen hier mee: voer je uitnodigingscode in via de pagina van "
     "het proces.",
     "Only members of the panel take part here: enter your invitation code through the "
     "process's page."},
    {"invite.count", "Vraag 1 tot 500 codes tegelijk.", "Ask for 1 to 500 codes at a time."},
    {"site.invite_link", "Heb je een uitnodigingscode?", "Do you have an invitation code?"},
    {"mail.digest_footer", "Geen samenvatting meer? Meld je af met deze link:",
     "No more summaries? Unsubscribe with this link:"},
};

const i18n_table_t app_words = I18N_TABLE("app", entries);

const char *tr(const char *lang, const char *key)
{
	return i18n_tr(&app_words, lang, key);
}

const char *tr_req(const http_request_t *req, const char *key)
{
	return tr(tr_req_lang(req), key);
}

const char *tr_req_lang(const http_request_t *req)
{
	return tr_req_lang_or(req, "en");
}

const char *tr_req_lang_or(const http_request_t *req, const char *fallback)
{
	const char *h = http_header(req, "Accept-Language");
	const char *best = fallback;
	double best_q = 0;
	while (h && *h) {
		/* one "tag;q=0.8" of a comma-separated list */
		h += strspn(h, " \t,");
		size_t n = strcspn(h, ",");
		size_t tag = strcspn(h, ";,- \t");
		double q = 1;
		const char *qs = memchr(h, ';', n);
		if (qs) {
			qs += 1 + strspn(qs + 1, " \t");
			if (strncasecmp(qs, "q=", 2) == 0)
				q = strtod(qs + 2, NULL);
		}
		const char *lang = tag == 2 && strncasecmp(h, "nl", 2) == 0   ? "nl"
		                   : tag == 2 && strncasecmp(h, "en", 2) == 0 ? "en"
		                                                              : NULL;
		if (lang && q > best_q) {
			best = lang;
			best_q = q;
		}
		h += n;
	}
	return best;
}
