// Help inside the workspace (/app/help/...): the deck format, the keys and
// the report formats, in Dutch and English, so that a facilitator never
// needs the files under docs/ (docs/deck-format.md, docs/report-format.md
// say the same for those who read the source).
import { el } from './dom.js';
import { getLang } from '../app-i18n.js';

export const HELP_TOPICS = ['deck', 'keys', 'reports'];

const code = (s) => el('code', {}, s);
const pre = (s) => el('pre', { class: 'help-example' }, el('code', {}, s));
const table = (head, rows) => el('table', { class: 'help-table' },
  el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { scope: 'col' }, h)))),
  el('tbody', {}, ...rows.map((r) => el('tr', {}, ...r.map((c, i) => el(i ? 'td' : 'th', i ? {} : { scope: 'row' }, c))))));

const EXAMPLE = `---
title: Samenleven in diversiteit
subtitle: Werkconferentie
lang: nl
dates: 2026-10-16, 2026-10-26
---

# Welkom

Fijn dat u er bent. Ga naar de site op het scherm en vul de code in.

???
Eerst de wethouder bedanken.

---

? open: Wat gaat er goed in uw wijk?
max-length: 280
moderation: approve

---

? choice: Welk plein pakken we eerst aan?
multiple: no
results: phones

- Marktplein
- Stationsplein

---

? scale: Hoe eens bent u het hiermee?
scale: 5
labels: helemaal oneens | helemaal eens

- De wijk is veilig
- Er is genoeg groen`;

const TEXT = {
  nl: {
    title: 'Hulp', back: 'Terug naar je evenementen',
    topics: { deck: 'Presentatieformaat', keys: 'Toetsen', reports: 'Rapportformaten' },
    intro: 'Alles wat u nodig hebt om een bijeenkomst te maken, te houden en te verslaan.',
    deck: () => [
      el('p', {}, 'U kunt een presentatie in de editor (tab Dia\'s) maken, een pdf inlezen (PowerPoint, Keynote of Google Slides: bewaar als pdf), of een tekstbestand in Markdown schrijven. Zo ziet zo\'n bestand eruit:'),
      pre(EXAMPLE),
      el('h2', {}, 'Kopgegevens'),
      el('p', {}, 'Tussen de eerste twee regels ', code('---'), ': ', code('title'), ' (verplicht), ', code('subtitle'), ', ', code('lang'), ' (', code('nl'), ' of ', code('en'), ': de taal voor deelnemers) en ', code('dates'), ' (JJJJ-MM-DD, gescheiden door komma\'s).'),
      el('h2', {}, 'Dia\'s'),
      el('p', {}, 'Een regel met alleen ', code('---'), ' scheidt de dia\'s (hoogstens 200). Een dia die met ', code('?'), ' begint is een vraag; elke andere dia is inhoud in Markdown: ', code('# Kop'), ', ', code('*nadruk*'), ', lijsten met ', code('- '), ', en afbeeldingen ', code('![beschrijving](/media/…)'), ' (voeg ze toe met de knop in de editor).'),
      el('h2', {}, 'Vraagsoorten'),
      table(['Soort', 'Wat deelnemers doen', 'Instellingen'], [
        [code('open'), 'een open antwoord geven', 'max-length (1–2000, 280), answers (1–50, 1), moderation: approve'],
        [code('cloud'), 'woorden voor een woordwolk', 'entries (1–10, 3), max-length (1–60, 30), moderation: approve'],
        [code('choice'), 'een of meer opties kiezen (2–20 regels "- optie")', 'multiple: yes'],
        [code('scale'), 'stellingen een score geven (1–20 regels "- stelling")', 'scale (2–10, 5), labels: laag | hoog'],
        [code('rank'), 'opties in volgorde zetten (2–10)', '—'],
        [code('qa'), 'vragen stellen en die van anderen steunen', 'max-length, answers (1–50, 5), moderation: approve'],
      ]),
      el('p', {}, 'Elke vraag kan ', code('results: phones'), ' hebben: deelnemers zien de uitslag op hun telefoon nadat ze hebben geantwoord. Tekst onder de instellingen is de toelichting bij de vraag.'),
      el('h2', {}, 'Sprekersnotities'),
      el('p', {}, 'Alles na een regel ', code('???'), ', of een laatste regel ', code('notes: …'), ', zijn notities voor u. Ze staan in de presentatorweergave op uw laptop en in het veld Sprekersnotities van de editor, nooit op het grote scherm of de telefoons, en alleen in een rapport als u erom vraagt.'),
      el('h2', {}, 'Dia\'s uit een pdf'),
      el('p', {}, 'In de editor: "Dia\'s uit een pdf". Elke pagina wordt een dia met de pagina als afbeelding (op de resolutie van het scherm) en de tekst van de pagina als beschrijving. Hoogstens 100 pagina\'s en 30 MiB; daarna kunt u er vragen tussen zetten. Vergeet niet op te slaan.'),
      el('h2', {}, 'Fouten'),
      el('p', {}, 'Als de server een presentatie weigert, zegt hij op welke regel het misgaat en wat hij verwachtte; de editor toont het bij de dia.'),
    ],
    keys: () => [
      el('p', {}, 'Op het presentatiescherm (de beamer) en in de presentatorweergave (uw laptop):'),
      table(['Toets', 'Doet'], [
        ['→  Spatie  Page Down', 'volgende dia'], ['←  Page Up', 'vorige dia'],
        ['R', 'resultaten tonen of verbergen'], ['L', 'stemmen sluiten of openen'],
        ['J', 'deelname-instructies met QR-code (presentatiescherm)'], ['F', 'volledig scherm (presentatiescherm)'],
        ['T', 'de klok op nul (presentatorweergave)'],
      ]),
      el('p', {}, 'Presenteren met twee schermen: open in de tab Sessies "Presentatiescherm" en sleep dat venster naar de beamer (F: volledig scherm); open "Presentatorweergave (laptop)" op uw eigen scherm. Die volgt het presentatiescherm, toont de volgende dia, uw notities, de tijd, het aantal verbonden deelnemers en de antwoorden die op moderatie wachten. Een afstandsbediening voor uw telefoon staat ook bij de sessie.'),
    ],
    reports: () => [
      el('p', {}, 'In de tab Rapport downloadt u "Presentatie en resultaten" voor alle sessies samen of één sessie (genummerd in de volgorde waarin ze begonnen, met hun naam).'),
      table(['Formaat', 'Voor'], [
        ['PDF', 'afdrukken en delen: omslag, samenvatting, dia\'s en elk antwoord, per sessie en samen'],
        ['Markdown', 'verder bewerken in een tekstverwerker of wiki'],
        ['HTML', 'één webpagina die in elke browser opent en goed afdrukt'],
        ['CSV', 'één regel per antwoord, voor eigen analyse'],
        ['XLSX', 'spreadsheet met een overzicht en één blad per vraag'],
        ['JSON', 'alles, voor andere software'],
      ]),
      el('p', {}, 'Verborgen antwoorden staan niet in de PDF, Markdown en HTML (wel hoeveel het er waren); CSV, XLSX en JSON bewaren ze, gemarkeerd als niet zichtbaar. Open antwoorden worden in thema\'s gegroepeerd. Sprekersnotities komen er alleen in als u "Sprekersnotities meenemen" aanvinkt (Markdown en JSON).'),
    ],
  },
  en: {
    title: 'Help', back: 'Back to your events',
    topics: { deck: 'Deck format', keys: 'Keys', reports: 'Report formats' },
    intro: 'Everything you need to build, run and report a meeting.',
    deck: () => [
      el('p', {}, 'Build a deck in the editor (Slides tab), import a PDF (PowerPoint, Keynote or Google Slides: save as PDF), or write a Markdown text file. Such a file looks like this:'),
      pre(EXAMPLE),
      el('h2', {}, 'Front matter'),
      el('p', {}, 'Between the first two lines ', code('---'), ': ', code('title'), ' (required), ', code('subtitle'), ', ', code('lang'), ' (', code('nl'), ' or ', code('en'), ': the participants\' language) and ', code('dates'), ' (YYYY-MM-DD, separated by commas).'),
      el('h2', {}, 'Slides'),
      el('p', {}, 'A line with only ', code('---'), ' separates slides (at most 200). A slide that starts with ', code('?'), ' is a question; any other slide is Markdown content: ', code('# Heading'), ', ', code('*emphasis*'), ', lists with ', code('- '), ', and images ', code('![description](/media/…)'), ' (add them with the editor\'s button).'),
      el('h2', {}, 'Question types'),
      table(['Type', 'Participants', 'Settings'], [
        [code('open'), 'give an open answer', 'max-length (1–2000, 280), answers (1–50, 1), moderation: approve'],
        [code('cloud'), 'give words for a word cloud', 'entries (1–10, 3), max-length (1–60, 30), moderation: approve'],
        [code('choice'), 'choose one or more options (2–20 lines "- option")', 'multiple: yes'],
        [code('scale'), 'rate statements (1–20 lines "- statement")', 'scale (2–10, 5), labels: low | high'],
        [code('rank'), 'put options in order (2–10)', '—'],
        [code('qa'), 'ask questions and support others\'', 'max-length, answers (1–50, 5), moderation: approve'],
      ]),
      el('p', {}, 'Any question can have ', code('results: phones'), ': participants see the results on their phone after answering. Text below the settings is the question\'s description.'),
      el('h2', {}, 'Speaker notes'),
      el('p', {}, 'Everything after a line ', code('???'), ', or a last line ', code('notes: …'), ', are notes for you. They show in the presenter view on your laptop and in the editor\'s Speaker notes field, never on the big screen or the phones, and in a report only when you ask.'),
      el('h2', {}, 'Slides from a PDF'),
      el('p', {}, 'In the editor: "Slides from a PDF". Every page becomes a slide showing the page as an image (at the screen\'s resolution) with the page\'s text as its description. At most 100 pages and 30 MiB; then put questions between them. Remember to save.'),
      el('h2', {}, 'Errors'),
      el('p', {}, 'When the server refuses a deck it says on which line and what it expected; the editor shows it at the slide.'),
    ],
    keys: () => [
      el('p', {}, 'On the presenter screen (the projector) and in the presenter view (your laptop):'),
      table(['Key', 'Does'], [
        ['→  Space  Page Down', 'next slide'], ['←  Page Up', 'previous slide'],
        ['R', 'show or hide the results'], ['L', 'lock or unlock voting'],
        ['J', 'join instructions with the QR code (presenter screen)'], ['F', 'full screen (presenter screen)'],
        ['T', 'reset the clock (presenter view)'],
      ]),
      el('p', {}, 'Presenting with two screens: in the Sessions tab open "Presenter screen" and drag that window to the projector (F: full screen); open "Presenter view (laptop)" on your own screen. It follows the presenter screen and shows the next slide, your notes, the time, the participants connected and the answers waiting for moderation. A remote for your phone is also at the session.'),
    ],
    reports: () => [
      el('p', {}, 'In the Report tab you download "Presentation and results" for all sessions together or one session (numbered in the order they began, with their name).'),
      table(['Format', 'For'], [
        ['PDF', 'printing and sharing: cover, summary, slides and every answer, per session and combined'],
        ['Markdown', 'editing further in a word processor or wiki'],
        ['HTML', 'one web page that opens in any browser and prints well'],
        ['CSV', 'one row per answer, for your own analysis'],
        ['XLSX', 'a spreadsheet with a summary and one sheet per question'],
        ['JSON', 'everything, for other software'],
      ]),
      el('p', {}, 'Hidden answers are left out of the PDF, Markdown and HTML (their number is given); CSV, XLSX and JSON keep them, marked as not visible. Open answers are grouped into themes. Speaker notes are included only when you tick "Include the speaker notes" (Markdown and JSON).'),
    ],
  },
};

// The link to a help topic, for the places that used to name a file.
export function helpLink(topic, label) {
  return el('a', { href: `/app/help/${topic}`, class: 'help-link', target: '_blank' }, label);
}

export function helpPage(main, topic) {
  const w = TEXT[getLang()] || TEXT.nl;
  const which = HELP_TOPICS.includes(topic) ? topic : null;
  document.title = `${which ? w.topics[which] : w.title} — inspraak`;
  const nav = el('nav', { class: 'help-nav', 'aria-label': w.title },
    el('ul', {}, ...HELP_TOPICS.map((k) => el('li', {}, el('a', { href: `/app/help/${k}`, 'aria-current': k === which ? 'page' : null }, w.topics[k])))));
  main.append(el('p', { class: 'crumbs' }, el('a', { href: '/app' }, w.back)),
    el('h1', {}, which ? w.topics[which] : w.title), nav);
  if (!which) main.append(el('p', {}, w.intro));
  else main.append(el('article', { class: 'help', id: `help-${which}` }, ...w[which]()));
}
