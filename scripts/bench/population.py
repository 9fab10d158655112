"""Who the synthetic cases are about: names, origins, places and texts, with their weights.

Italian surnames are the few hundred most common ones, roughly in frequency order, weighted by a flattened Zipf
law (weight 1/rank^0.7); about one child in eight comes from the foreign communities of the Prato area (Chinese
first). Weights are relative: only their ratios matter.
"""

from __future__ import annotations


def words(text: str) -> list[str]:
    """The names of a block of text, one per word (an underscore joins a name of several words)."""
    return [word.replace("_", " ") for word in text.split()]


ITALIAN_SURNAMES = words("""
Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo Conti De_Luca Mancini Costa
Giordano Rizzo Lombardi Moretti Barbieri Fontana Santoro Mariani Rinaldi Caruso Ferrara Galli Martini Leone
Longo Gentile Martinelli Vitale Lombardo Serra Coppola De_Santis D'Angelo Marchetti Parisi Villa Conte Ferraro
Ferri Fabbri Bianco Marini Grasso Valentini Messina Sala De_Angelis Gatti Pellegrini Palumbo Sanna Farina Rizzi
Monti Cattaneo Morelli Amato Silvestri Mazza Testa Grassi Pellegrino Carbone Giuliani Benedetti Barone Rossetti
Caputo Montanari Guerra Palmieri Bernardi Martino Fiore De_Rosa Ferretti Bellini Basile Riva Donati Piras Vitali
Battaglia Sartori Neri Costantini Milani Pagano Ruggiero Sorrentino D'Amico Orlando Damico Negri Mele Cattani
Bertolini Bassi Gualtieri Poli Morandi Tedesco Bellucci Mancuso Marchi Ruggeri Sartini Cecchi Niccolai Bartoli
Landini Bacci Sarti Lenzi Nesti Vannucci Bindi Mazzei Biagini Santini Pieri Franchi Bartolini Gori Moretto
Innocenti Baldi Becattini Nardi Tempesti Ciampi Calamai Bardazzi Bettazzi Cangioli Gelli Lucchesi Meoni Nincheri
Pacini Pratesi Puggelli Rindi Scarselli Tarocchi Vestri Zoppi Fioravanti Guarducci Cecconi Giusti Bonacchi
Corsi Paoli Mugnai Bechi Chiti Risaliti Martelli Fabbrini Banchelli Bigagli Caciolli Magni Mannucci Mariotti
Ciardi Desii Frosini Giani Lascialfari Marchini Monni Nuti Pagliai Piccini Poggiali Salvadori Tofani Vignali
Agostini Amadori Angeli Ansaldi Baroni Bellandi Bernini Boschi Bruni Buti Capecchi Cappelli Carli Carlesi
Casini Cavallini Ceccarelli Cini Conforti Corti Cosi Dami Del_Bene Del_Vecchio Di_Giacomo Fabiani Falchi
Fantoni Fedi Ferrini Fiorentini Fratini Gabbrielli Galletti Ghini Giachi Giovannini Guidi Lazzeri Lippi Lotti
Luchi Maestrini Magnolfi Malquori Manetti Mascii Masi Matteini Mazzoni Michelozzi Migliorini Nannini Naldini
Orsini Paci Panerai Papi Parrini Pasquini Petrucci Pinzani Pucci Querci Ranfagni Ricceri Rocchi Rossini Rosso
Rossetto Sabatini Sacchetti Salvi Sanesi Scotti Sestini Signorini Spinelli Targetti Tesi Toccafondi Tognini
Tozzi Turchi Ulivi Vannini Venturi Verdiani Vezzosi Zanobini Zini Barni Biancalani Bini Bucciantini Calosi
Capaccioli Cardini Cecchini Ciolini Colzi Coppini Fanfani Gonfiantini Lucarini Melani Meucci Morganti Nencioni
Nocentini Paoletti Parenti Pecchioli Perini Pinochi Risaliti Santi Sardi Sassolini Scatizzi Sottili Ciabatti
Ferrucci Coveri Mati Gonnelli Berti Cocchi Degl'Innocenti Buricchi Bonini Dell'Agnello
""")

# The foreign communities of the area, by share of the children: (share, surnames, girls, boys, origin).
FOREIGN = [
    (
        6.0,
        words("Hu Chen Wang Zhou Lin Zhang Li Ye Xu Jin Huang Zheng Wu Pan Yang Zhu"),
        words("Mei Lin Xinyi Yuxin Jiayi Wen Yan Hui"),
        words("Wei Hao Jun Jie Yi Chen Ming Tao"),
        ("Cina", "Cinese", "Z210"),
    ),
    (
        1.5,
        words("Hoxha Shehu Leka Dervishi Gjoka Kola Prifti Cela"),
        words("Ajla Elira Klea Anisa Sara"),
        words("Arben Kristi Elion Dritan Ardit"),
        ("Albania", "Albanese", "Z100"),
    ),
    (
        1.5,
        words("Popescu Ionescu Popa Stan Dumitru Munteanu Rusu Matei"),
        words("Andreea Ioana Maria Elena Bianca"),
        words("Andrei Ionut Mihai Stefan Darius"),
        ("Romania", "Rumena", "Z129"),
    ),
    (
        1.0,
        ["El Amrani", "Benali", "El Idrissi", "Bouzid", "Haddad", "Ouali"],
        words("Amina Fatima Salma Yasmine Noor"),
        words("Omar Youssef Adam Mehdi Karim"),
        ("Marocco", "Marocchina", "Z330"),
    ),
    (
        0.8,
        words("Khan Ahmed Ali Hussain Iqbal Butt"),
        words("Ayesha Zainab Hira Sana"),
        words("Hamza Bilal Usman Zain"),
        ("Pakistan", "Pakistana", "Z236"),
    ),
    (
        0.7,
        words("Okafor Adeyemi Okeke Eze Obi Nwosu"),
        words("Blessing Chioma Favour Precious"),
        words("Emmanuel Chinedu Daniel Samuel"),
        ("Nigeria", "Nigeriana", "Z335"),
    ),
]
ITALIAN_SHARE = 100.0 - sum(share for share, *_rest in FOREIGN)

GIRLS = words("""Sofia Giulia Aurora Alice Ginevra Emma Giorgia Greta Beatrice Anna Vittoria Martina Chiara Ludovica
Matilde Sara Nicole Bianca Noemi Gaia Arianna Rebecca Camilla Elisa Francesca Elena Viola Adele Mia Irene
Marta Azzurra Asia Gioia Margherita Benedetta Caterina Agata Carlotta Lucia Eleonora Alessia Miriam Rachele
Diana Cecilia Ilaria Silvia Valentina Federica""")
BOYS = words("""Leonardo Francesco Alessandro Lorenzo Mattia Tommaso Gabriele Andrea Riccardo Edoardo Matteo Giuseppe
Nicolò Antonio Federico Diego Davide Christian Giovanni Pietro Samuele Filippo Marco Luca Simone Michele Elia
Jacopo Emanuele Daniele Alessio Giacomo Cristian Gioele Giulio Salvatore Manuel Vincenzo Stefano Niccolò
Thomas Enea Achille Noah Ettore Leone Raffaele Dario Paolo Sebastiano""")
MOTHERS = words("""Maria Anna Francesca Laura Paola Elena Giulia Sara Silvia Valentina Chiara Federica Simona Barbara
Monica Claudia Cristina Daniela Roberta Alessandra Elisa Serena Michela Sabrina Manuela Veronica Tiziana
Stefania Patrizia Antonella""")
FATHERS = words("""Marco Andrea Luca Giuseppe Francesco Alessandro Stefano Paolo Roberto Massimo Davide Matteo Simone
Fabio Giovanni Antonio Daniele Riccardo Lorenzo Michele Alessio Emanuele Claudio Maurizio Fabrizio Sandro
Enrico Gianluca Filippo Nicola""")
GRANDPARENTS_F = words("Giuseppina Rosa Franca Carla Giovanna Lucia Maria Anna")

STREETS = [
    "Via Roma",
    "Via Pistoiese",
    "Viale della Repubblica",
    "Via Bologna",
    "Via Firenze",
    "Via Garibaldi",
    "Via Mazzini",
    "Via Cavour",
    "Via del Bisenzio",
    "Via Montalese",
    "Via Filzi",
    "Via Ferrucci",
    "Via Galcianese",
    "Via Fiorentina",
    "Via Pomeria",
    "Viale Montegrappa",
    "Via Roncioni",
    "Via Strozzi",
    "Via Curtatone",
    "Via Carradori",
]

# Where the Italian-born are born: (cadastral code, weight). The Comune of residence counts double.
ITALIAN_BIRTHPLACES = [
    ("G999", 55),
    ("D612", 12),
    ("G713", 6),
    ("F839", 6),
    ("G273", 4),
    ("H501", 3),
    ("A662", 2),
    ("C351", 2),
    ("E625", 2),
    ("F205", 2),
]

REFERRAL_SENDERS = [  # demo organisation key, SINBA FonteSegnalazione code, weight
    ("school", "13", 30),
    ("school2", "13", 10),
    ("court_tm", "11", 20),
    ("court_to", "10", 6),
    ("police", "5", 10),
    ("carabinieri", "5", 6),
    ("consultorio", "3", 18),
]

# A handful of texts per encrypted field, encrypted once each and reused (every token differs anyway).
TEXTS = {
    "narrative": [
        "Il minore presenta assenze ripetute e segni di trascuratezza riferiti dagli insegnanti.",
        "Segnalato conflitto familiare grave con episodi di violenza assistita.",
        "La madre chiede aiuto nella gestione educativa del figlio.",
        "Il pediatra riferisce ritardi nelle vaccinazioni e scarsa cura dell'igiene.",
        "Decreto del Tribunale per i minorenni che incarica il servizio di un'indagine sociale.",
    ],
    "journal": [
        "Primo colloquio con il nucleo familiare presso la sede del servizio.",
        "Visita domiciliare: abitazione adeguata, presenti la madre e il minore.",
        "Telefonata con l'insegnante di classe: frequenza migliorata nell'ultimo mese.",
        "Incontro con la neuropsichiatria infantile per la condivisione del progetto.",
        "Colloquio con il padre, che riferisce difficoltà lavorative e abitative.",
        "Riunione d'équipe: si concorda di proseguire l'intervento educativo domiciliare.",
    ],
    "closure": [
        "Obiettivi raggiunti, la famiglia è autonoma.",
        "Raggiunta la maggiore età.",
        "Trasferimento della residenza in altro ambito territoriale.",
    ],
    "no_grounds": [
        "Non emergono elementi di pregiudizio: orientata ai servizi educativi del territorio.",
    ],
    "assessment": [
        "Sussistono i presupposti per la presa in carico.",
        "Fragilità genitoriale con risorse attivabili nella rete parentale.",
        "Situazione di grave trascuratezza: necessario un intervento strutturato.",
    ],
    "facts": [
        "Visita domiciliare e colloqui con la scuola.",
        "Colloqui con entrambi i genitori e con il minore; contatti con il pediatra.",
    ],
    "evaluations": [
        "Fragilità genitoriale con risorse attivabili.",
        "Il minore mostra un buon legame con la madre; il padre è poco presente.",
    ],
    "statements": [
        "La madre riferisce difficoltà nella gestione quotidiana.",
        "Il minore racconta di sentirsi solo nel pomeriggio.",
    ],
    "motivation": [
        "Necessario un sostegno educativo strutturato.",
        "Serve un supporto alla genitorialità con incontri settimanali.",
    ],
    "end_reason": ["Obiettivi del progetto raggiunti.", "Chiusura della presa in carico."],
}

JOURNAL_KINDS = [
    ("interview", 30),
    ("home_visit", 15),
    ("phone_call", 20),
    ("school_contact", 10),
    ("health_contact", 6),
    ("court_contact", 4),
    ("network_contact", 8),
    ("team_meeting", 4),
    ("note", 3),
]

# Services an intervention delivers: those that need no placement, facility or foster family rows.
INTERVENTION_SERVICES = [
    ("FM-A11", 30),
    ("FM-A07", 18),
    ("FM-A08", 10),
    ("FM-A10", 10),
    ("FM-A06", 6),
    ("FM-A09", 4),
    ("FM-S01", 8),
    ("FM-T02", 10),
    ("FM-A12", 4),
]
