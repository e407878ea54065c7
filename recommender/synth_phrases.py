"""Phrase banks for synthetic profiles (see synth.py), written for ClusterMatch.

Every sentence is standalone, so any recombination reads as a plausible profile. Slots in braces
are filled per row: {name} {home} {city} {year} {staff} {n} {k} {m} {pct} {months} {noun}
{noun2} {orgs} {markets}. Grammar rules the slots rely on:
- nouns are bare noun phrases ("parking sensors"), except French ones, which carry their article
  ("la recharge ...") and are only used after dans / sur / vers / colon, never after de or à;
- Chinese templates say "we" instead of repeating the (English) organisation name.
"""

# ruff: noqa: E501  -- one sentence per line reads better than wrapped string fragments

from __future__ import annotations

from dataclasses import dataclass, field

SME_LANGUAGES: tuple[str, ...] = ("en", "fr", "de", "it", "sv")
PARTNER_LANGUAGES: tuple[str, ...] = ("en", "fr", "zh")


@dataclass(frozen=True)
class Domain:
    """A field of smart mobility, or (no SME sentences) a look-alike that is not a lead."""

    key: str
    tags: tuple[str, ...]  # English sector tags; the first is the core tag
    name_words: dict[str, str]  # en / fr word for organisation names
    nouns: dict[str, tuple[str, ...]]
    need: dict[str, tuple[str, ...]]  # a partner's interest, in en / fr / zh
    offer: dict[str, tuple[str, ...]] = field(default_factory=dict)  # an SME's capabilities
    sme_weight: float = 0.0  # 0: a look-alike, never an SME
    partner_weight: float = 1.0  # within mobility fields, or within look-alikes


DOMAINS: tuple[Domain, ...] = (
    Domain(
        key="ticketing",
        tags=(
            "ticketing",
            "public transport",
            "maas",
            "mobile payments",
            "account-based ticketing",
        ),
        name_words={"en": "Transit", "fr": "transport collectif"},
        nouns={
            "en": (
                "mobile ticketing",
                "account-based fare collection",
                "mobility-as-a-service platforms",
            ),
            "fr": ("la billettique mobile", "la validation sans contact", "les plateformes MaaS"),
            "de": ("mobiles Ticketing", "kontobasierte Fahrgeldsysteme"),
            "it": ("bigliettazione elettronica", "piattaforme MaaS"),
            "sv": ("mobila biljettsystem", "MaaS-plattformar"),
            "zh": ("移动票务", "一体化出行服务（MaaS）", "非接触式支付乘车"),
        },
        offer={
            "en": (
                "Our cloud ticketing platform lets transport authorities sell and validate tickets by app, SMS or contactless bank card, without heavy on-board hardware.",
                "One back office handles fares for bus, tram, regional rail, bike sharing and parking, with open APIs towards existing payment and journey-planning systems.",
                "Passengers pay as they go and are charged the best fare at the end of the day, so nobody has to understand zones and ticket types.",
            ),
            "fr": (
                "Notre plateforme de billettique dans le cloud permet aux autorités organisatrices de vendre et de valider des titres par application, SMS ou carte bancaire sans contact.",
                "Un seul back-office gère la tarification du bus, du tram, du train régional, du vélo en libre-service et du stationnement, avec des API ouvertes vers les systèmes existants.",
                "Le voyageur paie à l'usage et se voit appliquer le meilleur tarif en fin de journée, sans avoir à comprendre les zones ni les gammes de titres.",
            ),
            "de": (
                "Unsere Cloud-Ticketing-Plattform ermöglicht Verkehrsverbünden den Verkauf und die Kontrolle von Fahrkarten per App, SMS oder kontaktloser Bankkarte, ganz ohne schwere Bordtechnik.",
                "Ein einziges Backoffice verwaltet die Tarife für Bus, Straßenbahn, Regionalzug, Bikesharing und Parken und bietet offene Schnittstellen zu bestehenden Systemen.",
                "Fahrgäste checken einfach ein und aus und zahlen am Ende des Tages automatisch den günstigsten Tarif.",
            ),
            "it": (
                "La nostra piattaforma di bigliettazione in cloud permette alle aziende di trasporto di vendere e validare titoli di viaggio tramite app, SMS o carta di pagamento contactless.",
                "Un unico back office gestisce le tariffe di autobus, tram, treni regionali, bike sharing e parcheggi, con API aperte verso i sistemi esistenti.",
                "Il passeggero paga a consumo e a fine giornata gli viene applicata automaticamente la tariffa più conveniente.",
            ),
            "sv": (
                "Vår molnbaserade biljettplattform låter trafikhuvudmän sälja och validera biljetter via app, sms eller kontaktlöst bankkort utan tung utrustning ombord.",
                "Ett och samma system hanterar taxor för buss, spårvagn, regionaltåg, lånecyklar och parkering, med öppna API:er mot befintliga system.",
                "Resenären betalar efter hand och får automatiskt det billigaste priset i slutet av dagen.",
            ),
        },
        need={
            "en": (
                "Riders increasingly expect to pay for transit with a phone or a bank card, and our region is replacing its ageing smart-card system.",
                "Integrating fares across bus, rail, bike share and parking into one account is a stated priority for the coming years.",
                "We are interested in ticketing that works for occasional riders and tourists without requiring yet another app.",
            ),
            "fr": (
                "Les usagers veulent payer leur transport avec leur téléphone ou leur carte bancaire, et la région doit remplacer un système de cartes à puce vieillissant.",
                "L'intégration tarifaire entre autobus, métro, vélo en libre-service et stationnement dans un seul compte est une priorité des prochaines années.",
                "Nous cherchons des solutions de billettique simples pour les usagers occasionnels et les touristes, sans application supplémentaire.",
            ),
            "zh": (
                "乘客越来越希望用手机或银行卡乘车，本地区正在升级老旧的交通卡系统。",
                "将公交、地铁、共享单车和停车费用整合到同一账户，是未来几年的重点工作。",
                "我们关注面向游客和偶尔出行人群的便捷票务方案，无需额外下载应用。",
            ),
        },
        sme_weight=1.2,
        partner_weight=1.1,
    ),
    Domain(
        key="ev_charging",
        tags=(
            "ev charging",
            "charge point management",
            "energy management",
            "depot charging",
            "smart grid",
        ),
        name_words={"en": "Charging", "fr": "recharge"},
        nouns={
            "en": (
                "EV charging",
                "charge-point management software",
                "depot charging for electric fleets",
            ),
            "fr": ("la recharge des véhicules électriques", "la gestion des bornes de recharge"),
            "de": ("Ladeinfrastruktur für Elektrofahrzeuge", "Lademanagement"),
            "it": (
                "infrastrutture di ricarica per veicoli elettrici",
                "gestione delle colonnine di ricarica",
            ),
            "sv": ("laddinfrastruktur för elfordon", "laddhantering"),
            "zh": ("电动汽车充电", "充电桩运营管理", "公交场站充电"),
        },
        offer={
            "en": (
                "Our charge-point management software balances load across hundreds of chargers so that depots and car parks never exceed their grid connection.",
                "Chargers from any manufacturer connect through OCPP, and drivers start a session with an app, an RFID badge or a bank card.",
                "Smart scheduling shifts charging to cheap, low-carbon hours and can feed energy back to the grid when vehicles are parked for long periods.",
            ),
            "fr": (
                "Notre logiciel de supervision répartit la puissance entre des centaines de bornes pour que dépôts et parkings ne dépassent jamais leur raccordement au réseau.",
                "Les bornes de toutes marques se connectent en OCPP, et l'utilisateur démarre sa recharge par application, badge RFID ou carte bancaire.",
                "La planification intelligente déplace la recharge vers les heures creuses et peu carbonées, et peut réinjecter de l'énergie dans le réseau.",
            ),
            "de": (
                "Unsere Lademanagement-Software verteilt die Leistung auf Hunderte Ladepunkte, sodass Depots und Parkhäuser ihren Netzanschluss nie überlasten.",
                "Ladestationen aller Hersteller werden über OCPP eingebunden, und Fahrer starten den Ladevorgang per App, RFID-Karte oder Bankkarte.",
                "Intelligente Steuerung verlagert das Laden in günstige, CO2-arme Stunden und kann bei langen Standzeiten Energie ins Netz zurückspeisen.",
            ),
            "it": (
                "Il nostro software di gestione della ricarica distribuisce la potenza tra centinaia di colonnine, così depositi e parcheggi non superano mai la potenza contrattuale.",
                "Le colonnine di qualsiasi produttore si collegano via OCPP e l'utente avvia la ricarica con app, badge RFID o carta di pagamento.",
                "La pianificazione intelligente sposta la ricarica nelle ore a basso costo e basse emissioni e può restituire energia alla rete.",
            ),
            "sv": (
                "Vår programvara för laddhantering fördelar effekten mellan hundratals laddpunkter så att depåer och parkeringshus aldrig överskrider sitt nätabonnemang.",
                "Laddare från alla tillverkare ansluts via OCPP, och föraren startar laddningen med app, RFID-bricka eller bankkort.",
                "Smart styrning flyttar laddningen till billiga timmar med låga utsläpp och kan mata tillbaka energi till nätet.",
            ),
        },
        need={
            "en": (
                "We are electrifying bus and service fleets and need depot charging that stays within the limits of our grid connection.",
                "Public charging demand is growing faster than grid upgrades, so load management and interoperability are key concerns.",
                "We want chargers in residential and workplace car parks to be shared, booked and billed without manual work.",
            ),
            "fr": (
                "Nous électrifions nos flottes d'autobus et de véhicules de service et avons besoin d'une recharge en dépôt compatible avec notre raccordement électrique.",
                "La demande de recharge publique croît plus vite que le réseau : la gestion de la puissance et l'interopérabilité sont essentielles pour nous.",
                "Nous voulons que les bornes des stationnements résidentiels et des employeurs soient partagées, réservées et facturées automatiquement.",
            ),
            "zh": (
                "我们正在推进公交和公务车辆电动化，需要在电网容量限制内完成场站充电。",
                "公共充电需求增长快于电网扩容，负荷管理和互联互通是我们关注的重点。",
                "希望住宅小区和园区停车场的充电桩可以共享、预约并自动结算。",
            ),
        },
        sme_weight=1.3,
        partner_weight=1.4,
    ),
    Domain(
        key="micromobility",
        tags=("micromobility", "scooter sharing", "bike sharing", "e-bikes", "fleet management"),
        name_words={"en": "Micromobility", "fr": "micromobilité"},
        nouns={
            "en": ("scooter sharing", "bike sharing", "docking stations for e-scooters"),
            "fr": ("le vélo en libre-service", "le partage de trottinettes électriques"),
            "de": ("E-Scooter-Sharing", "Bikesharing-Systeme"),
            "it": ("sharing di monopattini elettrici", "bike sharing"),
            "sv": ("delade elsparkcyklar", "lånecykelsystem"),
            "zh": ("共享单车", "共享电动滑板车", "电子围栏停放管理"),
        },
        offer={
            "en": (
                "We build automated rental systems for e-scooters and e-bikes, with charging docks that keep sidewalks clear and a dockless mode managed by geofencing.",
                "Every vehicle carries a GPS/4G module, so lock status, battery level and ride data flow into a white-label rider app and an operator dashboard.",
                "Campuses, business parks and mid-sized cities can run their own fleet without becoming a mobility operator, because we handle maintenance and rebalancing.",
            ),
            "fr": (
                "Nous concevons des systèmes de location automatisés pour trottinettes et vélos électriques, avec des stations de recharge qui libèrent les trottoirs.",
                "Chaque véhicule embarque un module GPS/4G : état du verrou, batterie et trajets remontent dans une application en marque blanche et un tableau de bord opérateur.",
                "Campus, zones d'activité et villes moyennes peuvent exploiter leur propre flotte sans devenir opérateurs, car nous assurons la maintenance et le rééquilibrage.",
            ),
            "de": (
                "Wir bauen automatisierte Verleihsysteme für E-Scooter und E-Bikes, mit Ladestationen, die Gehwege freihalten, und einem stationslosen Modus per Geofencing.",
                "Jedes Fahrzeug hat ein GPS/4G-Modul, sodass Schlossstatus, Akkustand und Fahrtdaten in eine White-Label-App und ein Betreiber-Dashboard fließen.",
                "Hochschulen, Gewerbeparks und mittelgroße Städte können eine eigene Flotte betreiben, ohne selbst Mobilitätsanbieter zu werden.",
            ),
            "it": (
                "Realizziamo sistemi di noleggio automatico per monopattini e bici elettriche, con stazioni di ricarica che liberano i marciapiedi e una modalità free floating gestita tramite geofencing.",
                "Ogni veicolo monta un modulo GPS/4G: stato della serratura, batteria e dati di viaggio arrivano a un'app white label e a una dashboard per l'operatore.",
                "Campus, parchi aziendali e città medie possono gestire una propria flotta senza diventare operatori, perché manutenzione e ribilanciamento sono a carico nostro.",
            ),
            "sv": (
                "Vi bygger automatiska uthyrningssystem för elsparkcyklar och elcyklar, med laddstationer som håller trottoarerna fria och ett stationslöst läge med geofencing.",
                "Varje fordon har en GPS/4G-modul, så låsstatus, batterinivå och resedata går direkt till en app och en operatörspanel.",
                "Campus, företagsparker och mellanstora städer kan driva en egen flotta utan att bli mobilitetsoperatörer, eftersom vi sköter underhåll och omfördelning.",
            ),
        },
        need={
            "en": (
                "Shared scooters and bikes have grown quickly here, and sidewalk clutter and battery safety are now the main complaints.",
                "We are looking at docked and geofenced parking models that keep micromobility orderly around stations and campuses.",
                "Fleet data on trips, parking and vehicle health would help us plan bike lanes and set fair permit conditions.",
            ),
            "fr": (
                "Les trottinettes et vélos partagés se sont multipliés, et l'encombrement des trottoirs est devenu la principale plainte des citoyens.",
                "Nous étudions des stations et des zones de stationnement virtuelles pour mieux organiser la micromobilité autour des gares et des campus.",
                "Les données de flotte nous aideraient à planifier les pistes cyclables et à fixer des conditions de permis équitables.",
            ),
            "zh": (
                "本地共享单车和电动滑板车数量增长很快，乱停乱放和电池安全成为市民投诉的焦点。",
                "我们正在研究定点停放和电子围栏管理模式，规范地铁站和校园周边的微出行。",
                "骑行、停放和车辆状态数据有助于我们规划自行车道并制定合理的运营许可条件。",
            ),
        },
        sme_weight=1.2,
        partner_weight=1.0,
    ),
    Domain(
        key="rider_safety",
        tags=("rider safety", "connected helmets", "wearables", "motorcycles", "ecall"),
        name_words={"en": "Rider Safety", "fr": "sécurité des usagers"},
        nouns={
            "en": (
                "connected helmets",
                "rider safety wearables",
                "automatic crash detection for riders",
            ),
            "fr": ("les casques connectés", "la sécurité des motards et des cyclistes"),
            "de": ("vernetzte Helme", "Sicherheitstechnik für Zweiradfahrer"),
            "it": ("caschi connessi", "sicurezza dei motociclisti"),
            "sv": ("uppkopplade hjälmar", "säkerhet för cyklister och motorcyklister"),
            "zh": ("智能头盔", "骑行安全穿戴设备", "摩托车事故自动呼救"),
        },
        offer={
            "en": (
                "Our connected helmet detects falls and crashes with an inertial sensor and sends an emergency call with the rider's position within seconds.",
                "Brake lights and turn signals built into the shell make riders visible from every side, and they work with any bicycle, scooter or motorcycle.",
                "Fleet operators and delivery platforms receive anonymised data on hard braking and near misses to train riders and fix dangerous spots.",
            ),
            "fr": (
                "Notre casque connecté détecte chutes et accidents grâce à une centrale inertielle et envoie en quelques secondes un appel d'urgence avec la position du conducteur.",
                "Feux stop et clignotants intégrés à la coque rendent l'usager visible de tous les côtés, sur vélo, trottinette ou moto.",
                "Les flottes et plateformes de livraison reçoivent des données anonymisées sur les freinages brusques pour former les livreurs.",
            ),
            "de": (
                "Unser vernetzter Helm erkennt Stürze mit einem Inertialsensor und setzt innerhalb von Sekunden einen Notruf mit der Position ab.",
                "In die Schale integrierte Brems- und Blinklichter machen Fahrer von allen Seiten sichtbar, auf Fahrrad, E-Scooter oder Motorrad.",
                "Flottenbetreiber und Lieferdienste erhalten anonymisierte Daten zu Vollbremsungen und Beinaheunfällen, um Fahrer gezielt zu schulen.",
            ),
            "it": (
                "Il nostro casco connesso rileva cadute e urti con un sensore inerziale e invia in pochi secondi una chiamata di emergenza con la posizione del conducente.",
                "Luci di stop e indicatori di direzione integrati nella calotta rendono il conducente visibile da ogni lato, in bici, monopattino o moto.",
                "Gli operatori di flotte e le piattaforme di consegna ricevono dati anonimi su frenate brusche e quasi incidenti per formare i rider.",
            ),
            "sv": (
                "Vår uppkopplade hjälm känner av fall och kollisioner med en tröghetssensor och skickar ett nödlarm med position inom några sekunder.",
                "Bromsljus och blinkers i skalet gör föraren synlig från alla håll, på cykel, elsparkcykel eller motorcykel.",
                "Flottoperatörer och budföretag får anonymiserad data om hårda inbromsningar och tillbud för att utbilda sina förare.",
            ),
        },
        need={
            "en": (
                "Injuries among delivery riders and motorcyclists are rising, and we want practical safety technology rather than another awareness campaign.",
                "We are interested in helmets and wearables that detect crashes and alert emergency services automatically.",
                "Visibility at night and at intersections is the main risk our riders face, so lighting and signalling gear is a priority.",
            ),
            "fr": (
                "Les blessures chez les livreurs et les motocyclistes augmentent, et nous voulons des technologies de sécurité concrètes plutôt qu'une nouvelle campagne.",
                "Nous nous intéressons aux casques et équipements qui détectent les accidents et alertent automatiquement les secours.",
                "La visibilité la nuit et aux intersections est le principal risque pour les cyclistes, d'où notre intérêt pour l'éclairage et la signalisation embarqués.",
            ),
            "zh": (
                "外卖骑手和摩托车驾驶人的伤亡事故有所上升，我们需要切实可行的安全技术。",
                "我们关注能够自动检测事故并通知急救服务的智能头盔和穿戴设备。",
                "夜间和路口的可见性是骑行者面临的主要风险，因此照明和信号装备是重点。",
            ),
        },
        sme_weight=0.8,
        partner_weight=0.6,
    ),
    Domain(
        key="parking",
        tags=("parking", "iot sensors", "parking guidance", "enforcement", "smart city"),
        name_words={"en": "Parking", "fr": "stationnement"},
        nouns={
            "en": ("parking sensors", "on-street parking guidance", "digital parking enforcement"),
            "fr": ("la détection des places de stationnement", "le guidage vers les places libres"),
            "de": ("Parksensoren", "digitale Parkraumüberwachung"),
            "it": ("sensori di parcheggio", "gestione della sosta su strada"),
            "sv": ("parkeringssensorer", "digital parkeringsövervakning"),
            "zh": ("停车泊位检测", "路侧停车电子收费", "停车诱导"),
        },
        offer={
            "en": (
                "Our magnetometer and radar sensors sit flush in the asphalt of each bay and report occupancy over NB-IoT, reliably even under snow and leaves.",
                "Free spaces are pushed to guidance signs and navigation apps, which cuts the time drivers spend cruising for a spot.",
                "When a vehicle overstays or blocks a disabled or charging bay, wardens receive an alert on their handheld, which raises compliance without extra staff.",
            ),
            "fr": (
                "Nos capteurs magnétiques et radar sont encastrés dans la chaussée de chaque place et transmettent l'occupation par NB-IoT, même sous la neige.",
                "Les places libres sont affichées sur les panneaux de guidage et dans les applications de navigation, ce qui réduit le temps passé à chercher une place.",
                "Lorsqu'un véhicule dépasse la durée autorisée ou occupe une place réservée, les agents reçoivent une alerte sur leur terminal.",
            ),
            "de": (
                "Unsere Magnetfeld- und Radarsensoren werden bündig in jeden Stellplatz eingesetzt und melden die Belegung per NB-IoT, auch bei Schnee und Laub.",
                "Freie Plätze werden an Parkleitsysteme und Navigations-Apps ausgespielt, was den Parksuchverkehr deutlich reduziert.",
                "Überschreitet ein Fahrzeug die Höchstparkdauer oder blockiert es einen Ladeplatz, erhält das Ordnungsamt eine Meldung aufs Handgerät.",
            ),
            "it": (
                "I nostri sensori magnetici e radar vengono installati a filo dell'asfalto in ogni stallo e trasmettono l'occupazione via NB-IoT, anche sotto la neve.",
                "I posti liberi vengono mostrati sui pannelli a messaggio variabile e nelle app di navigazione, riducendo il traffico di chi cerca parcheggio.",
                "Se un veicolo supera la sosta consentita o occupa uno stallo riservato, gli ausiliari del traffico ricevono un avviso sul palmare.",
            ),
            "sv": (
                "Våra magnetfälts- och radarsensorer monteras i asfalten på varje plats och rapporterar beläggning via NB-IoT, även under snö och löv.",
                "Lediga platser visas på vägvisningsskyltar och i navigationsappar, vilket minskar söktrafiken i city.",
                "När ett fordon står för länge eller blockerar en laddplats får parkeringsvakterna en varning direkt i sin handdator.",
            ),
        },
        need={
            "en": (
                "Drivers cruising for parking cause a large share of downtown congestion, and we want real-time occupancy data for every curbside space.",
                "We are modernising on-street parking enforcement and payment, and are open to sensor and camera-based approaches.",
                "Reserved bays for deliveries, disabled drivers and EV charging are frequently blocked, and we need better ways to detect it.",
            ),
            "fr": (
                "La recherche de stationnement génère une part importante de la congestion au centre-ville, et nous voulons connaître l'occupation en temps réel.",
                "Nous modernisons le contrôle et le paiement du stationnement sur rue, et sommes ouverts aux solutions par capteurs ou par caméras.",
                "Les places réservées aux livraisons, aux personnes handicapées et à la recharge sont souvent occupées illégalement.",
            ),
            "zh": (
                "寻找停车位的车辆造成了中心城区相当一部分拥堵，我们希望实时掌握每个路侧泊位的占用情况。",
                "我们正在升级路侧停车的收费与执法系统，欢迎地磁、视频等多种检测方案。",
                "物流装卸位、无障碍车位和充电车位经常被占用，需要更好的检测手段。",
            ),
        },
        sme_weight=1.1,
        partner_weight=1.1,
    ),
    Domain(
        key="waste",
        tags=("waste management", "iot sensors", "route optimisation", "recycling", "smart city"),
        name_words={"en": "Waste", "fr": "collecte"},
        nouns={
            "en": (
                "waste bin fill-level sensors",
                "route optimisation for waste collection",
                "smart recycling",
            ),
            "fr": (
                "les capteurs de remplissage des conteneurs",
                "l'optimisation des tournées de collecte",
            ),
            "de": (
                "Füllstandssensoren für Abfallbehälter",
                "Tourenoptimierung in der Abfallwirtschaft",
            ),
            "it": (
                "sensori di riempimento per cassonetti",
                "ottimizzazione della raccolta rifiuti",
            ),
            "sv": ("fyllnadssensorer för avfallskärl", "ruttoptimering för avfallshämtning"),
            "zh": ("垃圾桶满溢监测", "垃圾收运路线优化", "智慧环卫"),
        },
        offer={
            "en": (
                "Our ultrasonic fill-level sensors fit inside any bin or container and report how full it is several times a day on a battery that lasts ten years.",
                "The routing engine plans collection rounds around the containers that actually need emptying, taking truck capacity and traffic into account.",
                "Municipalities typically cut collection trips by a third and get reports on overflowing bins and illegal dumping.",
            ),
            "fr": (
                "Nos capteurs de remplissage à ultrasons s'installent dans tout conteneur et transmettent leur niveau plusieurs fois par jour, avec dix ans d'autonomie.",
                "Le moteur d'optimisation planifie les tournées en fonction des conteneurs réellement pleins, de la capacité des camions et du trafic.",
                "Les collectivités réduisent en général d'un tiers le nombre de passages et suivent les débordements et les dépôts sauvages.",
            ),
            "de": (
                "Unsere Ultraschall-Füllstandssensoren passen in jeden Behälter und melden den Füllgrad mehrmals täglich, mit einer Batterielaufzeit von zehn Jahren.",
                "Die Tourenplanung berücksichtigt nur Behälter, die tatsächlich geleert werden müssen, sowie Fahrzeugkapazität und Verkehrslage.",
                "Kommunen sparen typischerweise ein Drittel der Anfahrten und erhalten Berichte über überfüllte Behälter und wilde Müllablagerungen.",
            ),
            "it": (
                "I nostri sensori a ultrasuoni misurano il livello di riempimento di cassonetti e campane più volte al giorno, con una batteria che dura dieci anni.",
                "Il motore di ottimizzazione pianifica i giri di raccolta solo sui contenitori da svuotare, tenendo conto della capacità dei mezzi e del traffico.",
                "I comuni riducono in media di un terzo i passaggi e ricevono segnalazioni su cassonetti pieni e abbandono di rifiuti.",
            ),
            "sv": (
                "Våra ultraljudssensorer mäter fyllnadsgraden i kärl och containrar flera gånger per dag, med ett batteri som räcker i tio år.",
                "Ruttplaneringen tar bara med kärl som verkligen behöver tömmas och tar hänsyn till bilarnas kapacitet och trafiken.",
                "Kommuner minskar normalt antalet tömningar med en tredjedel och får rapporter om överfulla kärl och nedskräpning.",
            ),
        },
        need={
            "en": (
                "Our collection contracts increasingly require detailed reporting and lower emissions, and we are looking at fill-level sensing and dynamic routing.",
                "Overflowing public bins in parks and tourist areas are a recurring complaint that fixed schedules do not solve.",
                "We want to test smart waste solutions that cope with harsh winters, alternating collections and commercial containers.",
            ),
            "fr": (
                "Les contrats de collecte exigent de plus en plus de rapports détaillés et moins d'émissions, d'où notre intérêt pour les capteurs et les tournées dynamiques.",
                "Les poubelles publiques qui débordent dans les parcs et les secteurs touristiques sont une plainte récurrente.",
                "Nous voulons tester des solutions de collecte intelligente adaptées à l'hiver et aux conteneurs commerciaux.",
            ),
            "zh": (
                "环卫作业合同对数据报送和减排的要求越来越高，我们正在研究满溢监测和动态调度。",
                "公园和景区的公共垃圾桶满溢问题反复出现，固定班次难以解决。",
                "我们希望试点适合本地气候和商业垃圾收运特点的智慧环卫方案。",
            ),
        },
        sme_weight=0.8,
        partner_weight=0.7,
    ),
    Domain(
        key="autonomous",
        tags=(
            "autonomous driving",
            "lidar perception",
            "hd maps",
            "simulation",
            "autonomous shuttles",
        ),
        name_words={"en": "Autonomous Systems", "fr": "véhicules autonomes"},
        nouns={
            "en": (
                "autonomous driving",
                "lidar perception",
                "HD maps and localisation",
                "simulation for automated vehicles",
            ),
            "fr": (
                "la conduite autonome",
                "la perception par lidar",
                "la simulation de véhicules automatisés",
            ),
            "de": (
                "autonomes Fahren",
                "Lidar-Wahrnehmung",
                "Simulation für automatisierte Fahrzeuge",
            ),
            "it": ("guida autonoma", "percezione lidar", "simulazione per veicoli automatizzati"),
            "sv": (
                "självkörande fordon",
                "lidarbaserad perception",
                "simulering för automatiserade fordon",
            ),
            "zh": ("自动驾驶", "激光雷达感知", "高精地图与定位", "自动驾驶仿真测试"),
        },
        offer={
            "en": (
                "Our perception stack fuses lidar, radar and camera data to detect pedestrians, cyclists and vehicles in real time on automotive-grade hardware.",
                "We produce HD maps with centimetre-level accuracy and keep them current with change detection from fleet data.",
                "A scenario-based simulation platform lets OEMs and shuttle operators validate their driving functions against thousands of edge cases before road tests.",
            ),
            "fr": (
                "Notre logiciel de perception fusionne lidar, radar et caméras pour détecter piétons, cyclistes et véhicules en temps réel sur du matériel automobile.",
                "Nous produisons des cartes HD d'une précision centimétrique et les tenons à jour grâce aux données des flottes.",
                "Une plateforme de simulation par scénarios permet aux constructeurs et aux exploitants de navettes de valider leurs fonctions de conduite avant les essais sur route.",
            ),
            "de": (
                "Unser Perception-Stack fusioniert Lidar-, Radar- und Kameradaten und erkennt Fußgänger, Radfahrer und Fahrzeuge in Echtzeit auf automotive-tauglicher Hardware.",
                "Wir erstellen hochgenaue HD-Karten mit Zentimetergenauigkeit und halten sie mit Flottendaten aktuell.",
                "Mit unserer szenariobasierten Simulationsplattform validieren Hersteller und Shuttle-Betreiber ihre Fahrfunktionen an Tausenden Grenzfällen, bevor sie auf die Straße gehen.",
            ),
            "it": (
                "Il nostro software di percezione fonde dati lidar, radar e telecamere per riconoscere in tempo reale pedoni, ciclisti e veicoli su hardware automotive.",
                "Produciamo mappe HD con precisione centimetrica e le aggiorniamo grazie ai dati delle flotte.",
                "Una piattaforma di simulazione basata su scenari permette a costruttori e operatori di navette di validare le funzioni di guida prima delle prove su strada.",
            ),
            "sv": (
                "Vår perceptionsmjukvara kombinerar lidar, radar och kameror för att upptäcka fotgängare, cyklister och fordon i realtid på fordonsklassad hårdvara.",
                "Vi tar fram HD-kartor med centimeterprecision och håller dem uppdaterade med data från fordonsflottor.",
                "En scenariobaserad simuleringsplattform låter fordonstillverkare och shuttleoperatörer validera sina körfunktioner innan tester på väg.",
            ),
        },
        need={
            "en": (
                "We are preparing automated shuttle and robotaxi pilots and need perception, mapping and safety validation partners.",
                "Testing automated vehicles on public roads requires simulation evidence and scenario coverage that regulators accept.",
                "Our work on automated freight and delivery robots depends on reliable perception in mixed traffic.",
            ),
            "fr": (
                "Nous préparons des essais de navettes automatisées et cherchons des partenaires en perception, cartographie et validation de la sécurité.",
                "Les essais de véhicules automatisés sur la voie publique exigent des preuves de simulation reconnues par les autorités.",
                "Nos projets de livraison automatisée dépendent d'une perception fiable dans un trafic mixte et en conditions hivernales.",
            ),
            "zh": (
                "我们正在筹备自动驾驶接驳车和无人出租车示范运营，需要感知、地图和安全验证方面的合作伙伴。",
                "自动驾驶车辆开展公共道路测试，需要监管部门认可的仿真测试和场景覆盖证据。",
                "我们的无人配送和自动驾驶货运项目依赖于混合交通下可靠的环境感知。",
            ),
        },
        sme_weight=1.2,
        partner_weight=1.3,
    ),
    Domain(
        key="traffic",
        tags=("traffic management", "traffic signals", "traffic counting", "computer vision", "ai"),
        name_words={"en": "Traffic", "fr": "circulation"},
        nouns={
            "en": (
                "adaptive traffic signal control",
                "AI video traffic counting",
                "traffic data analytics",
            ),
            "fr": (
                "la gestion adaptative des feux de circulation",
                "le comptage du trafic par vidéo",
            ),
            "de": ("adaptive Ampelsteuerung", "KI-basierte Verkehrszählung"),
            "it": ("controllo semaforico adattivo", "conteggio del traffico con videocamere"),
            "sv": ("adaptiv trafiksignalstyrning", "AI-baserad trafikräkning"),
            "zh": ("自适应信号控制", "视频交通流量统计", "交通大数据分析"),
        },
        offer={
            "en": (
                "Our smart cameras count vehicles, cyclists and pedestrians per lane at each intersection, with the neural network running on the device so no video leaves the pole.",
                "The adaptive signal algorithm recalculates green times cycle by cycle and talks to existing controllers through NTCIP and UTMC, so nothing has to be replaced.",
                "In pilots on busy corridors, average waiting times fell noticeably and buses gained priority without disrupting cross traffic.",
            ),
            "fr": (
                "Nos caméras intelligentes comptent véhicules, cyclistes et piétons par voie à chaque carrefour, le réseau de neurones tournant sur l'appareil sans que la vidéo ne quitte le mât.",
                "L'algorithme de régulation adaptative recalcule les temps de vert à chaque cycle et dialogue avec les contrôleurs existants, sans remplacement de matériel.",
                "Sur des axes chargés, les temps d'attente ont nettement baissé et les bus ont obtenu la priorité sans pénaliser le trafic transversal.",
            ),
            "de": (
                "Unsere intelligenten Kameras zählen Fahrzeuge, Radfahrer und Fußgänger je Fahrstreifen, wobei das neuronale Netz direkt im Gerät läuft und kein Video den Mast verlässt.",
                "Der adaptive Algorithmus berechnet die Grünzeiten in jedem Umlauf neu und kommuniziert über Standardprotokolle mit vorhandenen Steuergeräten.",
                "In Pilotprojekten an stark belasteten Achsen sanken die Wartezeiten deutlich, und Busse erhielten Vorrang, ohne den Querverkehr zu behindern.",
            ),
            "it": (
                "Le nostre telecamere intelligenti contano veicoli, biciclette e pedoni per corsia a ogni incrocio, con la rete neurale eseguita a bordo in modo che nessun video esca dal palo.",
                "L'algoritmo adattivo ricalcola le fasi del verde ciclo per ciclo e dialoga con i regolatori esistenti tramite protocolli standard.",
                "Nelle sperimentazioni su assi molto trafficati i tempi di attesa sono diminuiti sensibilmente e gli autobus hanno ottenuto la priorità.",
            ),
            "sv": (
                "Våra smarta kameror räknar fordon, cyklister och fotgängare per körfält i varje korsning, och det neurala nätet körs i kameran så att ingen video lämnar stolpen.",
                "Den adaptiva algoritmen räknar om gröntiderna varje cykel och kommunicerar med befintliga styrapparater via standardprotokoll.",
                "I pilotprojekt på tungt trafikerade stråk minskade väntetiderna tydligt och bussarna fick prioritet utan att störa korsande trafik.",
            ),
        },
        need={
            "en": (
                "We are replacing temporary tube counts with permanent video counting that classifies pedestrians, cyclists and vehicles.",
                "Adaptive signal control on our main corridors is a priority, provided it works with the controllers we already own.",
                "Better traffic data would help us evaluate bus priority, safer crossings and the effect of new bike lanes.",
            ),
            "fr": (
                "Nous remplaçons les comptages temporaires par des capteurs vidéo permanents capables de distinguer piétons, cyclistes et véhicules.",
                "La régulation adaptative des feux sur nos grands axes est une priorité, à condition qu'elle fonctionne avec nos contrôleurs existants.",
                "De meilleures données de circulation nous aideraient à évaluer la priorité bus et la sécurité des traversées piétonnes.",
            ),
            "zh": (
                "我们正在用基于视频的长期流量检测替代临时计数，需要能够区分行人、非机动车和机动车。",
                "主干道的自适应信号控制是我们的重点工作，前提是能与现有信号机兼容。",
                "更好的交通数据有助于我们评估公交优先、过街安全和新建自行车道的效果。",
            ),
        },
        sme_weight=1.1,
        partner_weight=1.2,
    ),
    Domain(
        key="v2x",
        tags=("v2x", "connected vehicles", "c-its", "intelligent intersections", "road safety"),
        name_words={"en": "Connected Vehicle", "fr": "véhicules connectés"},
        nouns={
            "en": ("V2X communication", "connected intersections", "cooperative ITS services"),
            "fr": ("la communication V2X", "les intersections connectées"),
            "de": ("V2X-Kommunikation", "kooperative Verkehrssysteme (C-ITS)"),
            "it": ("comunicazione V2X", "incroci connessi"),
            "sv": ("V2X-kommunikation", "uppkopplade korsningar"),
            "zh": ("车路协同", "V2X通信", "智能网联路口"),
        },
        offer={
            "en": (
                "Our roadside units broadcast signal phase and timing, hazard warnings and priority requests to vehicles over C-V2X and ITS-G5.",
                "A cloud platform turns data from traffic controllers and sensors into standard V2X messages, so cities can equip intersections without replacing hardware.",
                "Emergency vehicles and buses request green lights automatically, and vulnerable road users can be warned about turning trucks.",
            ),
            "fr": (
                "Nos unités de bord de route diffusent aux véhicules les phases des feux, les alertes de danger et les demandes de priorité en C-V2X et ITS-G5.",
                "Une plateforme cloud transforme les données des contrôleurs et capteurs en messages V2X normalisés, sans remplacer les équipements en place.",
                "Véhicules d'urgence et bus demandent automatiquement le vert, et les usagers vulnérables sont avertis des poids lourds qui tournent.",
            ),
            "de": (
                "Unsere Roadside Units senden Ampelphasen, Gefahrenwarnungen und Priorisierungsanfragen per C-V2X und ITS-G5 an Fahrzeuge.",
                "Eine Cloud-Plattform übersetzt Daten aus Steuergeräten und Sensoren in standardisierte V2X-Nachrichten, ohne dass Hardware ersetzt werden muss.",
                "Einsatzfahrzeuge und Busse fordern automatisch Grün an, und ungeschützte Verkehrsteilnehmer werden vor abbiegenden Lkw gewarnt.",
            ),
            "it": (
                "Le nostre unità a bordo strada trasmettono ai veicoli fasi semaforiche, avvisi di pericolo e richieste di priorità via C-V2X e ITS-G5.",
                "Una piattaforma cloud trasforma i dati di regolatori e sensori in messaggi V2X standard, senza sostituire l'hardware esistente.",
                "Mezzi di soccorso e autobus chiedono automaticamente il verde, e gli utenti vulnerabili vengono avvisati dei camion in svolta.",
            ),
            "sv": (
                "Våra vägkantsenheter sänder signalfaser, varningar och prioriteringsförfrågningar till fordon via C-V2X och ITS-G5.",
                "En molnplattform omvandlar data från styrapparater och sensorer till standardiserade V2X-meddelanden utan att hårdvara behöver bytas.",
                "Utryckningsfordon och bussar begär grönt automatiskt, och oskyddade trafikanter varnas för svängande lastbilar.",
            ),
        },
        need={
            "en": (
                "We are equipping corridors with roadside units and want applications that deliver measurable safety and transit benefits.",
                "Connected-vehicle deployments here need to support both C-V2X and existing signal infrastructure.",
                "Signal priority for buses and emergency vehicles is the first V2X use case we want to scale.",
            ),
            "fr": (
                "Nous équipons plusieurs axes d'unités de bord de route et cherchons des applications aux bénéfices mesurables pour la sécurité et le transport collectif.",
                "Les déploiements de véhicules connectés doivent fonctionner avec la C-V2X et avec nos contrôleurs de feux existants.",
                "La priorité aux feux pour les autobus et les véhicules d'urgence est le premier cas d'usage que nous voulons étendre.",
            ),
            "zh": (
                "我们正在主要道路部署路侧单元，希望引入安全和公交效益可量化的车路协同应用。",
                "本地车联网部署需要同时支持C-V2X和现有信号控制设施。",
                "公交和应急车辆信号优先是我们希望率先推广的车路协同场景。",
            ),
        },
        sme_weight=0.9,
        partner_weight=1.0,
    ),
    Domain(
        key="logistics",
        tags=(
            "urban logistics",
            "last-mile delivery",
            "cargo bikes",
            "curb management",
            "route optimisation",
        ),
        name_words={"en": "Logistics", "fr": "logistique"},
        nouns={
            "en": (
                "urban logistics",
                "last-mile delivery with cargo bikes",
                "curb management for deliveries",
            ),
            "fr": ("la logistique urbaine", "la livraison du dernier kilomètre en vélo-cargo"),
            "de": ("urbane Logistik", "Lastenrad-Zustellung auf der letzten Meile"),
            "it": ("logistica urbana", "consegne dell'ultimo miglio in cargo bike"),
            "sv": ("stadslogistik", "sista milen-leveranser med lastcyklar"),
            "zh": ("城市配送", "末端物流", "装卸车位管理"),
        },
        offer={
            "en": (
                "We operate micro-hubs at the edge of city centres where parcels are transferred from vans to electric cargo bikes for the last mile.",
                "Our dispatch software plans routes for mixed fleets of vans and cargo bikes and books loading zones in advance.",
                "Cities get data on delivery traffic and loading-zone use, which helps them set time windows and low-emission zones.",
            ),
            "fr": (
                "Nous exploitons des micro-hubs en bordure des centres-villes où les colis passent des fourgons aux vélos-cargos électriques pour le dernier kilomètre.",
                "Notre logiciel planifie les tournées de flottes mixtes de fourgons et de vélos-cargos et réserve les aires de livraison à l'avance.",
                "Les villes obtiennent des données sur les flux de livraison et l'usage des aires, utiles pour fixer créneaux et zones à faibles émissions.",
            ),
            "de": (
                "Wir betreiben Mikro-Hubs am Rand der Innenstädte, an denen Pakete vom Transporter auf elektrische Lastenräder umgeladen werden.",
                "Unsere Dispositionssoftware plant Touren für gemischte Flotten aus Transportern und Lastenrädern und reserviert Ladezonen im Voraus.",
                "Städte erhalten Daten zum Lieferverkehr und zur Nutzung der Ladezonen, um Zeitfenster und Umweltzonen festzulegen.",
            ),
            "it": (
                "Gestiamo micro-hub ai margini dei centri storici dove i pacchi passano dai furgoni alle cargo bike elettriche per l'ultimo miglio.",
                "Il nostro software pianifica i percorsi per flotte miste di furgoni e cargo bike e prenota in anticipo le aree di carico e scarico.",
                "I comuni ricevono dati sul traffico delle consegne e sull'uso delle piazzole, utili per definire fasce orarie e zone a basse emissioni.",
            ),
            "sv": (
                "Vi driver mikroterminaler i utkanten av stadskärnan där paket lastas om från skåpbilar till elektriska lastcyklar.",
                "Vår planeringsmjukvara optimerar rutter för blandade flottor av skåpbilar och lastcyklar och bokar lastzoner i förväg.",
                "Städer får data om leveranstrafik och användningen av lastzoner, vilket hjälper dem att sätta tidsfönster och miljözoner.",
            ),
        },
        need={
            "en": (
                "Delivery vans double-parking downtown are a growing problem, and we are piloting micro-hubs and bookable loading zones.",
                "We want to shift urban deliveries to cargo bikes and small electric vehicles without raising the cost per parcel.",
                "E-commerce growth has made last-mile delivery our fastest-growing and least efficient operation.",
            ),
            "fr": (
                "Le stationnement en double file des camions de livraison au centre-ville est un problème croissant, et nous testons des micro-hubs et des aires réservables.",
                "Nous voulons transférer une partie des livraisons urbaines vers les vélos-cargos sans augmenter le coût par colis.",
                "La croissance du commerce en ligne fait du dernier kilomètre notre activité la plus coûteuse.",
            ),
            "zh": (
                "货车在中心城区违停装卸的问题日益突出，我们正在试点城市微仓和可预约装卸位。",
                "我们希望在不提高单件成本的前提下，把更多城市配送转向电动三轮车和小型电动车。",
                "电商快速增长使末端配送成为我们增长最快但效率最低的环节。",
            ),
        },
        sme_weight=0.9,
        partner_weight=0.9,
    ),
    Domain(
        key="telematics",
        tags=(
            "fleet telematics",
            "fleet management",
            "predictive maintenance",
            "driver behaviour",
            "connected vehicles",
        ),
        name_words={"en": "Fleet", "fr": "gestion de flotte"},
        nouns={
            "en": (
                "fleet telematics",
                "predictive maintenance for vehicles",
                "driver behaviour analytics",
            ),
            "fr": ("la télématique de flotte", "la maintenance prédictive des véhicules"),
            "de": ("Flottentelematik", "vorausschauende Wartung von Fahrzeugen"),
            "it": ("telematica per flotte", "manutenzione predittiva dei veicoli"),
            "sv": ("flottelematik", "prediktivt underhåll av fordon"),
            "zh": ("车队远程信息管理", "车辆预测性维护", "驾驶行为分析"),
        },
        offer={
            "en": (
                "Our telematics unit plugs into the vehicle bus and streams location, fuel or battery use and fault codes to a fleet dashboard.",
                "Machine-learning models predict component failures weeks ahead, so buses and trucks are serviced before they break down on the road.",
                "Drivers receive coaching on harsh braking, idling and speeding, which lowers fuel costs and insurance claims.",
            ),
            "fr": (
                "Notre boîtier télématique se connecte au bus du véhicule et transmet position, consommation et codes défaut à un tableau de bord de flotte.",
                "Des modèles d'apprentissage automatique anticipent les pannes plusieurs semaines à l'avance, pour entretenir bus et camions avant l'incident.",
                "Les conducteurs reçoivent des conseils sur les freinages brusques, le ralenti et la vitesse, ce qui réduit carburant et sinistres.",
            ),
            "de": (
                "Unsere Telematikbox wird an den Fahrzeugbus angeschlossen und überträgt Position, Verbrauch und Fehlercodes an ein Flotten-Dashboard.",
                "Machine-Learning-Modelle sagen Bauteilausfälle Wochen im Voraus vorher, sodass Busse und Lkw gewartet werden, bevor sie liegen bleiben.",
                "Fahrer erhalten Feedback zu starkem Bremsen, Leerlauf und Geschwindigkeit, was Kraftstoffkosten und Schadensfälle senkt.",
            ),
            "it": (
                "La nostra centralina telematica si collega alla rete del veicolo e invia posizione, consumi e codici di guasto a una dashboard di flotta.",
                "Modelli di machine learning prevedono i guasti con settimane di anticipo, così autobus e camion vengono riparati prima di fermarsi su strada.",
                "Gli autisti ricevono suggerimenti su frenate brusche, minimo e velocità, riducendo consumi e sinistri.",
            ),
            "sv": (
                "Vår telematikenhet ansluts till fordonets databuss och skickar position, förbrukning och felkoder till en flottpanel.",
                "Maskininlärningsmodeller förutser komponentfel veckor i förväg, så att bussar och lastbilar servas innan de går sönder.",
                "Förarna får återkoppling om hårda inbromsningar, tomgång och hastighet, vilket sänker bränslekostnader och skador.",
            ),
        },
        need={
            "en": (
                "Unplanned breakdowns in our bus and truck fleets are costly, and we are evaluating predictive maintenance based on telematics data.",
                "We want a single view of location, energy use and vehicle health across fleets from several manufacturers.",
                "Driver safety and fuel efficiency programmes need reliable data on braking, idling and speeding.",
            ),
            "fr": (
                "Les pannes imprévues de nos autobus et camions coûtent cher, et nous évaluons la maintenance prédictive à partir des données télématiques.",
                "Nous voulons une vue unique de la position, de l'énergie et de l'état des véhicules pour des flottes de plusieurs constructeurs.",
                "Nos programmes de sécurité et d'écoconduite ont besoin de données fiables sur les freinages, le ralenti et la vitesse.",
            ),
            "zh": (
                "公交和货运车队的非计划停运成本很高，我们正在评估基于车载数据的预测性维护。",
                "我们希望在统一平台上掌握多品牌车辆的位置、能耗和车况。",
                "驾驶安全和节能培训需要可靠的急刹车、怠速和超速数据。",
            ),
        },
        sme_weight=0.9,
        partner_weight=0.8,
    ),
    Domain(
        key="air_quality",
        tags=(
            "air quality",
            "environmental sensors",
            "low-emission zones",
            "smart city",
            "open data",
        ),
        name_words={"en": "Clean Air", "fr": "qualité de l'air"},
        nouns={
            "en": (
                "air quality monitoring",
                "low-emission zone management",
                "street-level pollution sensors",
            ),
            "fr": ("la mesure de la qualité de l'air", "la gestion des zones à faibles émissions"),
            "de": ("Luftqualitätsmessung", "Umweltzonen-Management"),
            "it": ("monitoraggio della qualità dell'aria", "gestione delle zone a basse emissioni"),
            "sv": ("luftkvalitetsmätning", "miljözoner"),
            "zh": ("空气质量监测", "低排放区管理", "街道级污染传感器"),
        },
        offer={
            "en": (
                "Our low-cost sensor nodes measure NO2, particulate matter and noise at street level and are calibrated against reference stations.",
                "A dashboard links pollution peaks to traffic and weather, so cities can see which measures actually improve air quality.",
                "Data is published as open data and feeds low-emission zone planning, school-street schemes and public information displays.",
            ),
            "fr": (
                "Nos capteurs à bas coût mesurent le NO2, les particules fines et le bruit au niveau de la rue, avec un étalonnage sur les stations de référence.",
                "Un tableau de bord relie les pics de pollution au trafic et à la météo, pour mesurer l'effet réel de chaque mesure.",
                "Les données sont publiées en open data et alimentent la planification des zones à faibles émissions et des rues scolaires.",
            ),
            "de": (
                "Unsere kostengünstigen Sensorknoten messen NO2, Feinstaub und Lärm auf Straßenniveau und werden gegen Referenzstationen kalibriert.",
                "Ein Dashboard verknüpft Schadstoffspitzen mit Verkehr und Wetter, damit Städte sehen, welche Maßnahmen wirklich wirken.",
                "Die Daten stehen als Open Data bereit und fließen in die Planung von Umweltzonen und Schulstraßen ein.",
            ),
            "it": (
                "I nostri sensori a basso costo misurano NO2, polveri sottili e rumore a livello stradale e sono calibrati sulle stazioni di riferimento.",
                "Una dashboard collega i picchi di inquinamento a traffico e meteo, per capire quali misure migliorano davvero l'aria.",
                "I dati sono pubblicati come open data e supportano la pianificazione delle zone a basse emissioni e delle strade scolastiche.",
            ),
            "sv": (
                "Våra billiga sensornoder mäter kvävedioxid, partiklar och buller i gatunivå och kalibreras mot referensstationer.",
                "En panel kopplar föroreningstoppar till trafik och väder, så att städer ser vilka åtgärder som faktiskt förbättrar luften.",
                "Datan publiceras som öppna data och används vid planering av miljözoner och skolgator.",
            ),
        },
        need={
            "en": (
                "We need denser air quality data than our few reference stations provide, especially near schools and busy roads.",
                "Evaluating our low-emission zone requires street-level measurements of NO2 and particulates before and after.",
                "Residents want to see pollution data in real time, and we are looking at affordable sensor networks.",
            ),
            "fr": (
                "Nous avons besoin de données sur la qualité de l'air plus fines que celles de nos stations de référence, surtout près des écoles.",
                "L'évaluation de notre zone à faibles émissions exige des mesures de NO2 et de particules au niveau de la rue.",
                "Les citoyens veulent consulter la pollution en temps réel, et nous étudions des réseaux de capteurs abordables.",
            ),
            "zh": (
                "现有的少量国控站点无法满足需求，我们需要在学校和主干道周边获取更密集的空气质量数据。",
                "评估低排放区的效果需要街道级的二氧化氮和颗粒物监测数据。",
                "市民希望实时查看污染数据，我们正在研究低成本传感器网络。",
            ),
        },
        sme_weight=0.6,
        partner_weight=0.6,
    ),
    Domain(
        key="rail",
        tags=(
            "rail",
            "predictive maintenance",
            "level crossings",
            "iot sensors",
            "public transport",
        ),
        name_words={"en": "Rail", "fr": "transport ferroviaire"},
        nouns={
            "en": (
                "rail infrastructure monitoring",
                "level crossing safety",
                "predictive maintenance for rail",
            ),
            "fr": (
                "la surveillance des infrastructures ferroviaires",
                "la sécurité des passages à niveau",
            ),
            "de": ("Zustandsüberwachung von Gleisanlagen", "Sicherheit an Bahnübergängen"),
            "it": (
                "monitoraggio dell'infrastruttura ferroviaria",
                "sicurezza dei passaggi a livello",
            ),
            "sv": ("övervakning av järnvägsinfrastruktur", "säkerhet vid plankorsningar"),
            "zh": ("轨道基础设施监测", "铁路道口安全", "轨道交通预测性维护"),
        },
        offer={
            "en": (
                "Our wireless sensors on switches, bearings and track detect wear and vibration anomalies before they cause delays.",
                "A camera and radar system watches level crossings and warns approaching trains when a vehicle or person is stuck on the tracks.",
                "Maintenance teams get a prioritised work list instead of fixed inspection intervals, which shortens track closures and cuts costs.",
            ),
            "fr": (
                "Nos capteurs sans fil installés sur les aiguillages, les roulements et la voie détectent l'usure et les vibrations anormales avant qu'elles ne causent des retards.",
                "Un système caméra et radar surveille les passages à niveau et alerte les trains lorsqu'un véhicule ou un piéton est bloqué sur la voie.",
                "Les équipes de maintenance reçoivent une liste de travaux priorisée au lieu d'inspections à intervalles fixes.",
            ),
            "de": (
                "Unsere Funksensoren an Weichen, Lagern und Gleisen erkennen Verschleiß und auffällige Schwingungen, bevor sie Verspätungen verursachen.",
                "Ein Kamera- und Radarsystem überwacht Bahnübergänge und warnt herannahende Züge, wenn ein Fahrzeug oder eine Person auf den Gleisen steht.",
                "Instandhaltungsteams erhalten eine priorisierte Arbeitsliste statt fester Inspektionsintervalle.",
            ),
            "it": (
                "I nostri sensori wireless su scambi, cuscinetti e binari rilevano usura e vibrazioni anomale prima che causino ritardi.",
                "Un sistema con telecamera e radar sorveglia i passaggi a livello e avvisa i treni in arrivo se un veicolo o una persona resta bloccato sui binari.",
                "Le squadre di manutenzione ricevono un elenco di interventi ordinato per priorità invece di ispezioni a intervalli fissi.",
            ),
            "sv": (
                "Våra trådlösa sensorer på växlar, lager och spår upptäcker slitage och avvikande vibrationer innan de orsakar förseningar.",
                "Ett kamera- och radarsystem övervakar plankorsningar och varnar tåg när ett fordon eller en person står kvar på spåret.",
                "Underhållslagen får en prioriterad arbetslista i stället för fasta inspektionsintervall.",
            ),
        },
        need={
            "en": (
                "Ageing rail infrastructure and limited maintenance windows push us towards condition-based monitoring of switches and track.",
                "Level crossing incidents remain a safety concern on our network, and we are evaluating detection and warning systems.",
                "We want sensor data that helps us plan maintenance on light rail and commuter lines without extra service disruptions.",
            ),
            "fr": (
                "Le vieillissement des infrastructures et les fenêtres de maintenance réduites nous poussent vers une surveillance conditionnelle des aiguillages et de la voie.",
                "Les incidents aux passages à niveau restent une préoccupation, et nous évaluons des systèmes de détection et d'alerte.",
                "Nous voulons des données de capteurs pour planifier la maintenance du tramway et des trains de banlieue sans perturber le service.",
            ),
            "zh": (
                "轨道设施老化、天窗时间有限，促使我们推进道岔和线路的状态监测。",
                "铁路道口安全仍是关注重点，我们正在评估障碍物检测与预警系统。",
                "希望借助传感器数据优化地铁和市域铁路的维修计划，减少对运营的影响。",
            ),
        },
        sme_weight=0.6,
        partner_weight=0.6,
    ),
    Domain(
        key="hydrogen",
        tags=(
            "hydrogen",
            "fuel cell buses",
            "refuelling infrastructure",
            "zero-emission transit",
            "energy",
        ),
        name_words={"en": "Hydrogen", "fr": "hydrogène"},
        nouns={
            "en": ("hydrogen buses", "hydrogen refuelling stations", "fuel-cell drivetrains"),
            "fr": ("les autobus à hydrogène", "les stations de ravitaillement en hydrogène"),
            "de": ("Wasserstoffbusse", "Wasserstofftankstellen"),
            "it": ("autobus a idrogeno", "stazioni di rifornimento di idrogeno"),
            "sv": ("vätgasbussar", "tankstationer för vätgas"),
            "zh": ("氢燃料电池公交", "加氢站", "燃料电池动力系统"),
        },
        offer={
            "en": (
                "We design compact hydrogen refuelling stations for bus depots, sized for ten to fifty vehicles and built in modules that grow with the fleet.",
                "Our fuel-cell range extender lets city buses run a full day on a single fill, even in cold weather with heating on.",
                "We support operators from feasibility study to operation, including safety permits, driver training and hydrogen supply contracts.",
            ),
            "fr": (
                "Nous concevons des stations de ravitaillement en hydrogène compactes pour les dépôts de bus, modulaires et dimensionnées de dix à cinquante véhicules.",
                "Notre prolongateur d'autonomie à pile à combustible permet aux bus urbains de rouler une journée entière avec un seul plein, même par grand froid.",
                "Nous accompagnons les exploitants de l'étude de faisabilité à l'exploitation, y compris les autorisations de sécurité et la formation.",
            ),
            "de": (
                "Wir planen kompakte Wasserstofftankstellen für Busdepots, ausgelegt für zehn bis fünfzig Fahrzeuge und modular erweiterbar.",
                "Unser Brennstoffzellen-Range-Extender ermöglicht Stadtbussen einen ganzen Betriebstag mit einer Tankfüllung, auch bei Kälte.",
                "Wir begleiten Verkehrsbetriebe von der Machbarkeitsstudie bis zum Betrieb, einschließlich Genehmigungen und Fahrerschulung.",
            ),
            "it": (
                "Progettiamo stazioni di rifornimento di idrogeno compatte per depositi di autobus, modulari e dimensionate da dieci a cinquanta mezzi.",
                "Il nostro range extender a celle a combustibile permette agli autobus urbani di coprire un'intera giornata con un solo pieno, anche d'inverno.",
                "Seguiamo le aziende di trasporto dallo studio di fattibilità all'esercizio, incluse autorizzazioni di sicurezza e formazione degli autisti.",
            ),
            "sv": (
                "Vi konstruerar kompakta tankstationer för vätgas till bussdepåer, dimensionerade för tio till femtio fordon och byggda i moduler.",
                "Vår bränslecellsbaserade räckviddsförlängare gör att stadsbussar klarar en hel dag på en tankning, även när det är kallt.",
                "Vi stöttar trafikbolag från förstudie till drift, inklusive säkerhetstillstånd och förarutbildning.",
            ),
        },
        need={
            "en": (
                "Our zero-emission bus plan includes hydrogen for long routes where battery buses cannot complete a full shift.",
                "We are planning hydrogen refuelling at new depots and want partners with operating experience and safety references.",
                "Heavy-duty fleets in our region are testing fuel-cell trucks, and refuelling infrastructure is the main bottleneck.",
            ),
            "fr": (
                "Notre plan de bus zéro émission prévoit l'hydrogène pour les longues lignes où les bus à batterie ne tiennent pas une journée complète.",
                "Nous planifions le ravitaillement en hydrogène de nouveaux dépôts et cherchons des partenaires ayant une expérience d'exploitation.",
                "Des camions à pile à combustible sont en essai dans la région, et l'infrastructure de ravitaillement reste le principal frein.",
            ),
            "zh": (
                "我们的零排放公交规划中，长线路将采用氢燃料电池公交车，弥补纯电动车续航不足。",
                "我们正在规划新建场站的加氢设施，希望与有运营经验和安全案例的企业合作。",
                "本地区重卡车队正在试用燃料电池货车，加氢基础设施是主要瓶颈。",
            ),
        },
        sme_weight=0.5,
        partner_weight=0.6,
    ),
    Domain(
        key="cybersecurity",
        tags=(
            "automotive cybersecurity",
            "connected vehicles",
            "software-defined vehicles",
            "ota updates",
            "iso 21434",
        ),
        name_words={"en": "Cybersecurity", "fr": "cybersécurité"},
        nouns={
            "en": (
                "automotive cybersecurity",
                "secure over-the-air updates",
                "intrusion detection for vehicles",
            ),
            "fr": ("la cybersécurité automobile", "les mises à jour à distance sécurisées"),
            "de": ("Automotive Cybersecurity", "sichere Over-the-Air-Updates"),
            "it": ("cybersicurezza automotive", "aggiornamenti over-the-air sicuri"),
            "sv": ("cybersäkerhet för fordon", "säkra trådlösa uppdateringar"),
            "zh": ("汽车网络安全", "安全OTA升级", "车载入侵检测"),
        },
        offer={
            "en": (
                "Our intrusion detection system monitors CAN and Ethernet traffic inside the vehicle and flags attacks in real time.",
                "We help OEMs and suppliers meet UNECE R155 and ISO/SAE 21434, from threat analysis to penetration testing and audit support.",
                "A secure update pipeline signs and delivers over-the-air software updates to vehicle fleets and chargers.",
            ),
            "fr": (
                "Notre système de détection d'intrusion surveille le trafic CAN et Ethernet du véhicule et signale les attaques en temps réel.",
                "Nous aidons constructeurs et équipementiers à respecter le règlement R155 et la norme ISO/SAE 21434, de l'analyse de menaces aux tests d'intrusion.",
                "Une chaîne de mise à jour sécurisée signe et distribue les logiciels à distance vers les flottes de véhicules et les bornes.",
            ),
            "de": (
                "Unser Intrusion-Detection-System überwacht den CAN- und Ethernet-Verkehr im Fahrzeug und meldet Angriffe in Echtzeit.",
                "Wir unterstützen Hersteller und Zulieferer bei UNECE R155 und ISO/SAE 21434, von der Bedrohungsanalyse bis zum Penetrationstest.",
                "Eine sichere Update-Kette signiert Software und verteilt sie drahtlos an Fahrzeugflotten und Ladesäulen.",
            ),
            "it": (
                "Il nostro sistema di rilevamento delle intrusioni monitora il traffico CAN ed Ethernet del veicolo e segnala gli attacchi in tempo reale.",
                "Aiutiamo costruttori e fornitori a rispettare UNECE R155 e ISO/SAE 21434, dall'analisi delle minacce ai test di penetrazione.",
                "Una catena di aggiornamento sicura firma e distribuisce il software over-the-air a flotte di veicoli e colonnine.",
            ),
            "sv": (
                "Vårt intrångsdetekteringssystem övervakar CAN- och Ethernet-trafiken i fordonet och larmar om attacker i realtid.",
                "Vi hjälper fordonstillverkare och leverantörer att uppfylla UNECE R155 och ISO/SAE 21434, från hotanalys till penetrationstester.",
                "En säker uppdateringskedja signerar och levererar mjukvara trådlöst till fordonsflottor och laddstationer.",
            ),
        },
        need={
            "en": (
                "New cybersecurity regulations for vehicles mean our programmes need threat analysis, monitoring and secure updates from day one.",
                "As vehicles become software-defined, we are looking for specialists in intrusion detection and secure over-the-air updates.",
                "We need independent penetration testing of connected vehicles, chargers and fleet back ends.",
            ),
            "fr": (
                "Les nouvelles réglementations en cybersécurité automobile imposent analyse de menaces, surveillance et mises à jour sécurisées dès la conception.",
                "Avec les véhicules définis par logiciel, nous cherchons des spécialistes de la détection d'intrusion et des mises à jour à distance.",
                "Nous avons besoin de tests d'intrusion indépendants sur les véhicules connectés, les bornes et les plateformes de flotte.",
            ),
            "zh": (
                "新的汽车网络安全法规要求我们的项目从设计之初就具备威胁分析、安全监测和安全升级能力。",
                "随着软件定义汽车的发展，我们正在寻找车载入侵检测和安全OTA方面的专业团队。",
                "我们需要对智能网联汽车、充电设施和车队平台开展独立的渗透测试。",
            ),
        },
        sme_weight=0.7,
        partner_weight=0.7,
    ),
    Domain(
        key="ride_pooling",
        tags=(
            "demand-responsive transport",
            "ride pooling",
            "public transport",
            "rural mobility",
            "saas",
        ),
        name_words={"en": "Shuttle", "fr": "transport à la demande"},
        nouns={
            "en": ("demand-responsive transport", "ride pooling", "on-demand shuttles for suburbs"),
            "fr": ("le transport à la demande", "le covoiturage dynamique"),
            "de": ("On-Demand-Verkehr", "Ridepooling"),
            "it": ("trasporto a chiamata", "ride pooling"),
            "sv": ("anropsstyrd kollektivtrafik", "samåkning"),
            "zh": ("需求响应式公交", "定制公交", "拼车出行"),
        },
        offer={
            "en": (
                "Our on-demand transit software pools riders heading the same way into shared vans and minibuses, booked by app or phone.",
                "The routing engine adapts in real time to new requests and guarantees pick-up windows, which makes it suitable for suburbs and rural areas.",
                "Transit agencies use it to replace empty fixed-route buses at off-peak hours and to connect neighbourhoods to rail stations.",
            ),
            "fr": (
                "Notre logiciel de transport à la demande regroupe les voyageurs allant dans la même direction dans des navettes partagées, réservées par application ou téléphone.",
                "Le moteur de calcul s'adapte en temps réel aux nouvelles demandes et garantit des créneaux de prise en charge, idéal pour le périurbain et le rural.",
                "Les autorités de transport l'utilisent pour remplacer les lignes peu fréquentées en heures creuses et rabattre les quartiers vers les gares.",
            ),
            "de": (
                "Unsere On-Demand-Software bündelt Fahrgäste mit ähnlichem Ziel in geteilten Kleinbussen, gebucht per App oder Telefon.",
                "Der Routing-Algorithmus passt sich in Echtzeit an neue Anfragen an und garantiert Abholzeitfenster, ideal für Vororte und ländliche Räume.",
                "Verkehrsunternehmen ersetzen damit leere Linienbusse in Schwachlastzeiten und binden Wohngebiete an Bahnhöfe an.",
            ),
            "it": (
                "Il nostro software di trasporto a chiamata raggruppa i passeggeri diretti nella stessa direzione su navette condivise, prenotabili via app o telefono.",
                "Il motore di instradamento si adatta in tempo reale alle nuove richieste e garantisce finestre di prelievo, ideale per periferie e aree rurali.",
                "Le aziende di trasporto lo usano per sostituire le corse vuote nelle ore di morbida e collegare i quartieri alle stazioni.",
            ),
            "sv": (
                "Vår mjukvara för anropsstyrd trafik samlar resenärer med liknande mål i delade minibussar, bokade via app eller telefon.",
                "Ruttmotorn anpassar sig i realtid till nya beställningar och garanterar upphämtningsfönster, vilket passar förorter och landsbygd.",
                "Trafikbolag använder den för att ersätta tomma linjebussar under lågtrafik och koppla bostadsområden till tågstationer.",
            ),
        },
        need={
            "en": (
                "Fixed-route buses in our low-density suburbs run nearly empty off-peak, and we are evaluating on-demand services instead.",
                "First- and last-mile connections to rail stations are a weak point of our network that ride pooling could address.",
                "We want on-demand transit software that integrates with our existing fares, paratransit and dispatch systems.",
            ),
            "fr": (
                "Dans nos quartiers peu denses, les autobus circulent presque vides en heures creuses, et nous évaluons le transport à la demande.",
                "Le rabattement vers les gares est un point faible de notre réseau que le transport à la demande pourrait combler.",
                "Nous voulons un logiciel de transport à la demande intégré à notre tarification et à nos systèmes de répartition existants.",
            ),
            "zh": (
                "低密度区域的常规公交在平峰时段客流很少，我们正在评估需求响应式公交服务。",
                "轨道站点的首末公里接驳是我们网络的薄弱环节，定制公交和拼车有望改善。",
                "我们希望需求响应式公交系统能与现有票务和调度系统对接。",
            ),
        },
        sme_weight=0.8,
        partner_weight=0.7,
    ),
    # Look-alikes: partners whose words overlap a mobility field but who are not leads.
    Domain(
        key="event_ticketing",
        tags=("event ticketing", "concerts", "box office", "live entertainment"),
        name_words={"en": "Events", "fr": "spectacles"},
        nouns={
            "en": ("concert and festival ticketing", "box-office software"),
            "fr": ("la billetterie de spectacles", "les logiciels de billetterie pour salles"),
            "zh": ("演出票务", "场馆票务系统"),
        },
        need={
            "en": (
                "We sell tickets for concerts, festivals and sports events and want faster entry scanning at stadium gates.",
                "Reducing ticket touting and fraud at live events is our main concern this season.",
                "Our box-office system handles seated venues and general admission, and we are looking at new mobile wallet options.",
            ),
            "fr": (
                "Nous vendons des billets de concerts, de festivals et d'événements sportifs et voulons accélérer le contrôle aux portes des salles.",
                "La lutte contre la revente illégale de billets est notre priorité pour la prochaine saison.",
                "Notre billetterie gère les salles numérotées et le placement libre, et nous étudions de nouveaux portefeuilles mobiles.",
            ),
            "zh": (
                "我们销售演唱会、音乐节和体育赛事门票，希望提高场馆入口的验票速度。",
                "打击黄牛倒票和假票是我们本季度的首要任务。",
                "我们的票务系统覆盖对号入座和自由站席场馆，正在研究新的手机电子票方案。",
            ),
        },
        partner_weight=0.5,
    ),
    Domain(
        key="sports_helmets",
        tags=("sports equipment", "hockey helmets", "protective gear", "retail"),
        name_words={"en": "Sports Gear", "fr": "équipement sportif"},
        nouns={
            "en": ("hockey and ski helmets", "sports protective gear"),
            "fr": ("les casques de hockey et de ski", "les protections sportives"),
            "zh": ("冰雪运动头盔", "运动护具"),
        },
        need={
            "en": (
                "We design helmets and pads for ice hockey, skiing and snowboarding and supply sporting goods retailers.",
                "Impact testing and certification of youth hockey helmets is the focus of our product team this year.",
                "We are expanding our range of ski helmets, goggles and back protectors for rental shops at ski resorts.",
            ),
            "fr": (
                "Nous concevons des casques et des protections pour le hockey sur glace, le ski et la planche à neige, vendus chez les détaillants de sport.",
                "Les essais d'impact et la certification des casques de hockey pour les jeunes occupent notre équipe produit cette année.",
                "Nous élargissons notre gamme de casques de ski, de lunettes et de dorsales pour les boutiques de location des stations.",
            ),
            "zh": (
                "我们设计冰球、滑雪和单板滑雪头盔及护具，供应体育用品零售商。",
                "今年产品团队的重点是青少年冰球头盔的冲击测试与认证。",
                "我们正在为滑雪场租赁店扩充滑雪头盔、雪镜和护背产品线。",
            ),
        },
        partner_weight=0.4,
    ),
    Domain(
        key="paving",
        tags=("asphalt paving", "parking lots", "road construction", "property services"),
        name_words={"en": "Paving", "fr": "pavage"},
        nouns={
            "en": ("parking lot paving", "asphalt resurfacing"),
            "fr": ("le pavage des stationnements", "le resurfaçage en enrobé"),
            "zh": ("停车场沥青摊铺", "路面翻新"),
        },
        need={
            "en": (
                "We pave and resurface parking lots, driveways and private roads for retail centres and property managers.",
                "Line striping, sealcoating and drainage repairs make up most of our summer workload.",
                "We are testing more durable asphalt mixes that cure faster, so parking lots close for less time.",
            ),
            "fr": (
                "Nous pavons et resurfaçons les stationnements, les entrées et les chemins privés des centres commerciaux et des gestionnaires immobiliers.",
                "Le marquage des lignes, le scellement et la réparation des drains occupent l'essentiel de notre saison estivale.",
                "Nous testons des enrobés plus durables qui durcissent plus vite, pour fermer les stationnements moins longtemps.",
            ),
            "zh": (
                "我们为商业综合体和物业公司提供停车场、小区道路的沥青摊铺和翻新服务。",
                "夏季的主要工作是停车场划线、封层和排水维修。",
                "我们正在试验更耐久、养护更快的沥青混合料，缩短停车场封闭时间。",
            ),
        },
        partner_weight=0.4,
    ),
)

# --- SMEs --------------------------------------------------------------------------------------

# Country: (weight, cluster, home cities, own language); weights follow the bundled smes.csv.
SME_COUNTRIES: dict[str, tuple[float, str, tuple[str, ...], str]] = {
    "FR": (8, "Mov'eo", ("Paris", "Versailles", "Lyon", "Toulouse", "Grenoble", "Nantes"), "fr"),
    "DE": (8, "bwcon", ("Stuttgart", "Karlsruhe", "Ulm", "Mannheim", "Freiburg"), "de"),
    "IT": (7, "Piemonte Innova", ("Torino", "Novara", "Ivrea", "Cuneo", "Milano"), "it"),
    "SE": (7, "Media Evolution", ("Malmö", "Lund", "Helsingborg", "Göteborg", "Stockholm"), "sv"),
    "CZ": (5, "Moravian-Silesian Automotive Cluster", ("Ostrava", "Brno", "Opava"), "en"),
    "RO": (4, "Transilvania IT Cluster", ("Cluj-Napoca", "Brașov", "Sibiu"), "en"),
    "HU": (4, "Pannon Automotive Cluster", ("Győr", "Budapest", "Szombathely"), "en"),
}
# Share of FR/DE/IT/SE SMEs writing in their own language (bundled data: 14 of 30).
SME_OWN_LANGUAGE_SHARE = 0.45
SME_LEGAL_FORMS: dict[str, tuple[str, ...]] = {
    "FR": ("SAS",),
    "DE": ("GmbH",),
    "IT": ("S.r.l.",),
    "SE": ("AB",),
    "CZ": ("s.r.o.",),
    "RO": ("SRL",),
    "HU": ("Kft.",),
}
SME_NAME_SUFFIXES: tuple[str, ...] = (
    "", "", "", "", " Mobility", " Systems", " Technologies", " Labs", " Solutions", " Tech",
)  # fmt: skip
# How many markets an SME targets, and which (the bundled data: mostly two, US and China first).
SME_MARKET_COUNT_WEIGHTS: tuple[float, ...] = (0.05, 0.6, 0.28, 0.07)  # 1, 2, 3, 4 markets
SME_MARKET_WEIGHTS: dict[str, float] = {"US": 0.3, "CN": 0.28, "CA": 0.22, "SG": 0.2}
SME_SEEKING_COUNT_WEIGHTS: tuple[float, ...] = (0.1, 0.6, 0.3)  # 1, 2, 3 org types
SME_SEEKING_WEIGHTS: dict[str, float] = {
    "public_authority": 0.3,
    "corporate": 0.25,
    "distributor": 0.12,
    "research": 0.12,
    "investor": 0.12,
    "accelerator": 0.05,
    "association": 0.04,
}

SME_OPENINGS: dict[str, tuple[str, ...]] = {
    "en": (
        "{name} was founded in {home} in {year} and works on {noun}.",
        "Based in {home}, {name} is a team of {staff} people working on {noun}.",
        "{name} is a {home} company whose core business is {noun}.",
        "Since {year}, {name} has focused on {noun} for cities, operators and fleets.",
    ),
    "fr": (
        "Fondée à {home} en {year}, {name} est spécialisée dans {noun}.",
        "{name} est une PME de {staff} personnes basée à {home}, active dans {noun}.",
        "Depuis {year}, l'équipe de {name}, installée à {home}, travaille sur {noun}.",
    ),
    "de": (
        "{name} wurde {year} in {home} gegründet und widmet sich dem Thema {noun}.",
        "Das Team von {name} aus {home} zählt {staff} Mitarbeitende. Unser Schwerpunkt: {noun}.",
        "Seit {year} entwickelt {name} in {home} Lösungen rund um das Thema {noun}.",
    ),
    "it": (
        "{name} nasce a {home} nel {year} e si occupa di {noun}.",
        "Con sede a {home}, {name} è una PMI di {staff} persone specializzata in {noun}.",
        "Dal {year} il team di {name}, a {home}, lavora su progetti di {noun}.",
    ),
    "sv": (
        "{name} grundades i {home} {year} och arbetar med {noun}.",
        "{name} är ett företag i {home} med {staff} anställda som utvecklar lösningar inom {noun}.",
        "Sedan {year} har {name} i {home} arbetat med {noun}.",
    ),
}
SME_ALSO: dict[str, tuple[str, ...]] = {
    "en": (
        "We also work on {noun2}.",
        "A second product line covers {noun2}.",
        "Recent projects have extended our platform to {noun2}.",
    ),
    "fr": (
        "Nous travaillons aussi sur {noun2}.",
        "Une seconde gamme de produits couvre {noun2}.",
        "Nos derniers projets étendent la plateforme vers {noun2}.",
    ),
    "de": (
        "Ein zweites Standbein: {noun2}.",
        "Neuere Projekte erweitern unsere Plattform um das Thema {noun2}.",
    ),
    "it": (
        "Ci occupiamo anche di {noun2}.",
        "Di recente abbiamo esteso la piattaforma a progetti di {noun2}.",
    ),
    "sv": (
        "Vi arbetar även med {noun2}.",
        "En andra produktlinje omfattar {noun2}.",
    ),
}
SME_MODEL: dict[str, tuple[str, ...]] = {
    "en": (
        "Hardware, software and maintenance come as one subscription, so customers avoid large upfront investments.",
        "Everything is built on open APIs and standards, so the product plugs into systems a city already runs.",
        "Data is processed in line with the GDPR, and customers keep full ownership of it.",
        "A white-label option lets operators keep their own brand in front of users.",
    ),
    "fr": (
        "Matériel, logiciel et maintenance sont proposés en un seul abonnement, sans lourd investissement initial.",
        "Tout repose sur des API et des standards ouverts, pour s'intégrer aux systèmes déjà en place.",
        "Les données sont traitées conformément au RGPD et restent la propriété du client.",
        "Une version en marque blanche permet aux exploitants de garder leur propre marque.",
    ),
    "de": (
        "Hardware, Software und Wartung gibt es als ein Abonnement, ohne hohe Anfangsinvestition.",
        "Alles basiert auf offenen Schnittstellen und Standards und fügt sich in vorhandene Systeme ein.",
        "Die Daten werden DSGVO-konform verarbeitet und bleiben Eigentum der Kunden.",
        "Eine White-Label-Version erlaubt Betreibern, unter eigener Marke aufzutreten.",
    ),
    "it": (
        "Hardware, software e manutenzione sono offerti in un unico abbonamento, senza grandi investimenti iniziali.",
        "Tutto si basa su API e standard aperti, per integrarsi con i sistemi già in uso.",
        "I dati sono trattati nel rispetto del GDPR e restano di proprietà del cliente.",
        "Una versione white label permette agli operatori di mantenere il proprio marchio.",
    ),
    "sv": (
        "Hårdvara, mjukvara och underhåll ingår i ett abonnemang, utan stora initiala investeringar.",
        "Allt bygger på öppna API:er och standarder, så produkten passar in i befintliga system.",
        "Data behandlas enligt GDPR och ägs helt av kunden.",
        "En white label-version gör att operatörer kan behålla sitt eget varumärke.",
    ),
}
SME_PROOF: dict[str, tuple[str, ...]] = {
    "en": (
        "Our systems are in daily use in {n} cities, and customers report operating savings of around {pct}%.",
        "More than {k},000 units are installed across Europe, most of them within a few hours of {home}.",
        "In a {months}-month pilot with a regional operator we measured a {pct}% improvement in service reliability.",
        "Revenue grew by {pct}% last year, and we now serve {n} public and private customers.",
    ),
    "fr": (
        "Nos systèmes sont utilisés au quotidien dans {n} villes, avec des économies d'exploitation d'environ {pct} %.",
        "Plus de {k} 000 équipements sont installés en Europe, la plupart à quelques heures de {home}.",
        "Lors d'un pilote de {months} mois avec un exploitant régional, la fiabilité du service a progressé de {pct} %.",
        "Notre chiffre d'affaires a augmenté de {pct} % l'an dernier, et nous comptons {n} clients publics et privés.",
    ),
    "de": (
        "Unsere Systeme sind in {n} Städten im täglichen Einsatz, und Kunden berichten von rund {pct} % geringeren Betriebskosten.",
        "Mehr als {k}.000 Geräte sind in Europa installiert, die meisten wenige Stunden von {home} entfernt.",
        "In einem {months}-monatigen Pilotprojekt mit einem regionalen Betreiber stieg die Zuverlässigkeit um {pct} %.",
        "Der Umsatz wuchs im vergangenen Jahr um {pct} %, und wir betreuen {n} öffentliche und private Kunden.",
    ),
    "it": (
        "I nostri sistemi sono in uso quotidiano in {n} città, con risparmi operativi intorno al {pct}%.",
        "Oltre {k}.000 dispositivi sono installati in Europa, in gran parte a poche ore da {home}.",
        "In un progetto pilota di {months} mesi con un operatore regionale l'affidabilità del servizio è migliorata del {pct}%.",
        "Il fatturato è cresciuto del {pct}% lo scorso anno e oggi serviamo {n} clienti pubblici e privati.",
    ),
    "sv": (
        "Våra system används dagligen i {n} städer, och kunderna rapporterar driftsbesparingar på omkring {pct} procent.",
        "Mer än {k} 000 enheter är installerade i Europa, de flesta inom några timmar från {home}.",
        "I ett pilotprojekt på {months} månader med en regional operatör förbättrades tillförlitligheten med {pct} procent.",
        "Omsättningen växte med {pct} procent förra året, och vi har i dag {n} offentliga och privata kunder.",
    ),
}
SME_SEEKING: dict[str, tuple[str, ...]] = {
    "en": (
        "We are now looking for {orgs} in {markets}.",
        "Our next step is international: we want to meet {orgs} in {markets}.",
        "Through MobiGoIn-Action we are seeking {orgs} in {markets} for pilots and commercial partnerships.",
    ),
    "fr": (
        "Nous recherchons {orgs} {markets}.",
        "Prochaine étape, l'international : nous souhaitons rencontrer {orgs} {markets}.",
        "Avec MobiGoIn-Action, nous cherchons {orgs} {markets} pour des pilotes et des partenariats commerciaux.",
    ),
    "de": (
        "Wir suchen {orgs} {markets}.",
        "Als Nächstes wollen wir international wachsen und {orgs} {markets} kennenlernen.",
        "Für Pilotprojekte und Vertriebspartnerschaften suchen wir {orgs} {markets}.",
    ),
    "it": (
        "Cerchiamo {orgs} {markets}.",
        "Il prossimo passo è internazionale: vogliamo incontrare {orgs} {markets}.",
        "Per avviare progetti pilota e partnership commerciali cerchiamo {orgs} {markets}.",
    ),
    "sv": (
        "Vi söker {orgs} {markets}.",
        "Nästa steg är internationellt: vi vill träffa {orgs} {markets}.",
        "För pilotprojekt och affärssamarbeten söker vi {orgs} {markets}.",
    ),
}
# Org types in the plural as an SME names what it seeks; French ones carry "des".
ORG_PLURALS: dict[str, dict[str, str]] = {
    "en": {
        "public_authority": "public authorities",
        "corporate": "corporate partners",
        "research": "research centres",
        "association": "industry associations",
        "investor": "investors",
        "distributor": "distributors",
        "accelerator": "accelerators",
        "other": "other partners",
    },
    "fr": {
        "public_authority": "des autorités publiques",
        "corporate": "des grands comptes",
        "research": "des centres de recherche",
        "association": "des associations professionnelles",
        "investor": "des investisseurs",
        "distributor": "des distributeurs",
        "accelerator": "des accélérateurs",
        "other": "d'autres partenaires",
    },
    "de": {
        "public_authority": "öffentliche Auftraggeber",
        "corporate": "Industriepartner",
        "research": "Forschungseinrichtungen",
        "association": "Branchenverbände",
        "investor": "Investoren",
        "distributor": "Vertriebspartner",
        "accelerator": "Acceleratoren",
        "other": "weitere Partner",
    },
    "it": {
        "public_authority": "amministrazioni pubbliche",
        "corporate": "partner industriali",
        "research": "centri di ricerca",
        "association": "associazioni di settore",
        "investor": "investitori",
        "distributor": "distributori",
        "accelerator": "acceleratori",
        "other": "altri partner",
    },
    "sv": {
        "public_authority": "offentliga aktörer",
        "corporate": "industripartner",
        "research": "forskningsinstitut",
        "association": "branschorganisationer",
        "investor": "investerare",
        "distributor": "distributörer",
        "accelerator": "acceleratorer",
        "other": "andra partner",
    },
}
# Markets with the preposition each language needs (English templates say "in" themselves).
MARKET_PHRASES: dict[str, dict[str, str]] = {
    "en": {"US": "the US", "CA": "Canada", "CN": "China", "SG": "Singapore"},
    "fr": {"US": "aux États-Unis", "CA": "au Canada", "CN": "en Chine", "SG": "à Singapour"},
    "de": {"US": "in den USA", "CA": "in Kanada", "CN": "in China", "SG": "in Singapur"},
    "it": {"US": "negli Stati Uniti", "CA": "in Canada", "CN": "in Cina", "SG": "a Singapore"},
    "sv": {"US": "i USA", "CA": "i Kanada", "CN": "i Kina", "SG": "i Singapore"},
}
AND: dict[str, str] = {"en": "and", "fr": "et", "de": "und", "it": "e", "sv": "och"}

# --- partners ----------------------------------------------------------------------------------

# Country weights and org-type weights follow the bundled partners.csv (US 65, CA 45, CN 70,
# SG 35; corporate 64 ... other 4); city weights favour the mission cities.
PARTNER_COUNTRY_WEIGHTS: dict[str, float] = {"US": 65, "CA": 45, "CN": 70, "SG": 35}
ORG_TYPE_WEIGHTS: dict[str, float] = {
    "corporate": 64,
    "public_authority": 45,
    "research": 31,
    "association": 21,
    "investor": 20,
    "distributor": 21,
    "accelerator": 9,
    "other": 4,
}
CITIES: dict[str, dict[str, float]] = {
    "US": {
        "San Francisco": 6, "San Jose": 5, "Oakland": 4, "Palo Alto": 3, "Mountain View": 3,
        "Fremont": 3, "Los Angeles": 4, "San Diego": 2, "Seattle": 4, "Portland": 2,
        "Chicago": 4, "New York": 4, "Boston": 4, "Washington": 2, "Detroit": 4, "Ann Arbor": 2,
        "Pittsburgh": 3, "Columbus": 3, "Austin": 4, "Atlanta": 4, "Denver": 2, "Phoenix": 2,
        "Miami": 2, "Minneapolis": 2,
    },
    "CA": {
        "Montréal": 13, "Québec": 5, "Laval": 3, "Sherbrooke": 1, "Gatineau": 1, "Toronto": 9,
        "Ottawa": 4, "Vancouver": 4, "Calgary": 4, "Waterloo": 2, "Edmonton": 2, "Mississauga": 1,
    },
    "CN": {
        "Beijing": 12, "Shanghai": 12, "Chengdu": 12, "Jinan": 12, "Shenzhen": 7, "Hangzhou": 5,
        "Guangzhou": 4, "Suzhou": 3, "Wuhan": 3, "Chongqing": 2, "Tianjin": 2, "Xi'an": 2,
        "Nanjing": 2, "Qingdao": 2, "Hefei": 1,
    },
    "SG": {"Singapore": 1},
}  # fmt: skip
QUEBEC_CITIES = frozenset({"Montréal", "Québec", "Laval", "Sherbrooke", "Gatineau"})
CHINESE_CITY_NAMES: dict[str, str] = {
    "Beijing": "北京", "Shanghai": "上海", "Chengdu": "成都", "Jinan": "济南", "Shenzhen": "深圳",
    "Hangzhou": "杭州", "Guangzhou": "广州", "Suzhou": "苏州", "Wuhan": "武汉",
    "Chongqing": "重庆", "Tianjin": "天津", "Xi'an": "西安", "Nanjing": "南京", "Qingdao": "青岛",
    "Hefei": "合肥",
}  # fmt: skip
# About 9% of partners are look-alikes (bundled data: about 10%); only companies, distributors
# and "other" organisations, whose sentences speak for a business.
LOOKALIKE_ORG_TYPES = frozenset({"corporate", "distributor", "other"})
LOOKALIKE_SHARE = 0.22  # of those three org types
# Bundled data: about 70% of Québec partners write in French, 30% of Chinese ones in Chinese.
QUEBEC_FRENCH_SHARE = 0.7
CHINA_CHINESE_SHARE = 0.3

# Invented roots for organisation names: head + tail ("Volt" + "ara" = "Voltara").
NAME_HEADS: tuple[str, ...] = (
    "Volt", "Park", "Urba", "Mobi", "Trans", "Cita", "Velo", "Ampli", "Nova", "Sens", "Flux",
    "Axo", "Kine", "Luma", "Orbi", "Terra", "Via", "Rota", "Cyclo", "Stra", "Neo", "Opti",
    "Civi", "Sigma", "Halo", "Iris", "Navi", "Quanta", "Zeta", "Arc", "Brio", "Cobal", "Delta",
    "Echo", "Ferro", "Gyro", "Hexa", "Lumo", "Magna", "Polar",
)  # fmt: skip
NAME_TAILS: tuple[str, ...] = (
    "ra", "lis", "tec", "nova", "sense", "go", "lab", "link", "mind", "wave", "flow", "path",
    "grid", "loop", "ly", "io", "ix", "ora", "ent", "um", "ex", "ar", "on", "is",
)  # fmt: skip

PARTNER_NAMES: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "corporate": (
            "{root} {word}",
            "{root} {word} Inc.",
            "{root} Technologies",
            "{city} {word} Group",
            "{root} Mobility Systems",
        ),
        "public_authority": (
            "City of {city} Department of Transportation",
            "{city} Transit Authority",
            "{city} Regional Transportation Commission",
            "{city} Municipal Transport Bureau",
            "{city} Streets and Mobility Department",
        ),
        "research": (
            "{city} Institute for {word} Research",
            "{root} University {word} Lab",
            "Center for Smart Mobility, {root} University",
            "{city} Transportation Research Centre",
        ),
        "association": (
            "{city} {word} Alliance",
            "National {word} Association",
            "{city} Smart Mobility Council",
            "{word} Industry Forum",
        ),
        "investor": (
            "{root} Ventures",
            "{city} {word} Fund",
            "{root} Capital Partners",
            "{root} Climate Capital",
        ),
        "distributor": (
            "{root} {word} Supply",
            "{root} Distribution",
            "{city} Mobility Trading Co.",
            "{root} Equipment Partners",
        ),
        "accelerator": (
            "{root} Launchpad",
            "{city} Mobility Accelerator",
            "{root} Labs",
            "{city} Urban Tech Hub",
        ),
        "other": (
            "{root} Consulting",
            "{city} Campus Services",
            "{root} Properties",
            "{city} Medical Centre Facilities",
        ),
    },
    "fr": {
        "corporate": (
            "{root} {Word} inc.",
            "Groupe {root}",
            "{root} Technologies",
            "Solutions {root}",
        ),
        "public_authority": (
            "Ville de {city} — Direction de la mobilité",
            "Société de transport de {city}",
            "Ville de {city} — Service de l'urbanisme et de la mobilité",
            "Ministère des Transports — direction régionale de {city}",
        ),
        "research": (
            "Institut de recherche en {word} de {city}",
            "Laboratoire {root} de mobilité intelligente",
            "Chaire de recherche en {word}, Université de {city}",
        ),
        "association": (
            "Association québécoise en {word}",
            "Grappe {root} mobilité",
            "Réseau {word} {city}",
        ),
        "investor": ("Fonds {root} Capital", "Capital {root}", "Fonds {word} {city}"),
        "distributor": ("Distributions {root} inc.", "{root} Équipements", "Importations {root}"),
        "accelerator": ("Accélérateur {root}", "Incubateur mobilité {city}", "{root} Lab"),
        "other": (
            "{root} Conseil",
            "Services immobiliers {root}",
            "Campus {city} — services aux installations",
        ),
    },
}
# A sector tag some partners add for what they are rather than what they work on.
ORG_TYPE_TAGS: dict[str, str] = {
    "investor": "venture capital",
    "distributor": "distribution",
    "association": "industry network",
    "research": "applied research",
    "accelerator": "startups",
}

PARTNER_OPENINGS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "corporate": (
            "{name} is a {city}-based company working on {noun}.",
            "Headquartered in {city}, {name} builds and operates products in {noun}.",
            "{name} is an established industrial group in {city} with a growing business in {noun}.",
        ),
        "public_authority": (
            "{name} plans, funds and operates transport services for {city} and its surroundings.",
            "{name} is the public agency responsible for streets, transit and mobility in {city}.",
            "As the authority in charge of mobility in {city}, {name} runs programmes on {noun}.",
        ),
        "research": (
            "{name} is a research institute in {city} studying {noun}.",
            "At {name} in {city}, faculty and students work on {noun} with industry and city partners.",
            "{name} runs a testbed in {city} where researchers evaluate {noun} in real conditions.",
        ),
        "association": (
            "{name} brings together companies, operators and cities active in {noun}.",
            "{name} is a member-based industry association in {city} with a working group on {noun}.",
        ),
        "investor": (
            "{name} is a {city} venture fund investing in seed and Series A companies in {noun}.",
            "{name} backs mobility and infrastructure companies, with a current thesis on {noun}.",
        ),
        "distributor": (
            "{name} is a {city} distributor selling mobility and transport equipment to cities, fleets and installers.",
            "From its base in {city}, {name} imports and resells hardware and software for transport operators.",
            "{name} distributes products for {noun} through a network of integrators and resellers.",
        ),
        "accelerator": (
            "{name} is an accelerator in {city} that helps mobility startups land their first pilots.",
            "{name} runs a {city} programme that pairs young companies with cities and corporates, with a track on {noun}.",
        ),
        "other": (
            "{name} is a consultancy in {city} advising cities and operators on {noun}.",
            "{name} manages a large campus in {city} and is modernising how people and goods move around it.",
        ),
    },
    "fr": {
        "corporate": (
            "{name} est une entreprise de {city} active dans {noun}.",
            "Établie à {city}, {name} conçoit et exploite des solutions et travaille notamment sur {noun}.",
            "{name}, entreprise établie à {city}, mise sur {noun} pour sa croissance.",
        ),
        "public_authority": (
            "{name} planifie et finance les services de mobilité de {city} et de sa région.",
            "{name} est l'organisme public responsable des rues, du transport collectif et de la mobilité à {city}.",
            "Responsable de la mobilité à {city}, {name} mène plusieurs projets sur {noun}.",
        ),
        "research": (
            "{name} est un centre de recherche de {city} qui étudie {noun}.",
            "À {city}, les équipes de {name} travaillent sur {noun} avec l'industrie et les villes.",
        ),
        "association": (
            "{name} réunit des entreprises, des exploitants et des villes actives dans {noun}.",
            "{name} est une association professionnelle de {city} dotée d'un comité de travail sur {noun}.",
        ),
        "investor": (
            "{name} est un fonds de capital de risque de {city} qui investit dans {noun}, de l'amorçage à la série A.",
            "{name} finance des entreprises de mobilité et d'infrastructures, avec une thèse actuelle sur {noun}.",
        ),
        "distributor": (
            "{name} est un distributeur de {city} qui vend des équipements de transport aux villes, aux flottes et aux installateurs.",
            "Depuis {city}, {name} importe et revend du matériel et des logiciels pour les exploitants de transport.",
        ),
        "accelerator": (
            "{name} est un accélérateur de {city} qui aide les jeunes pousses en mobilité à décrocher leurs premiers projets pilotes.",
            "{name} met en relation de jeunes entreprises avec des villes et des grands comptes, avec un volet sur {noun}.",
        ),
        "other": (
            "{name} est une firme-conseil de {city} qui accompagne villes et exploitants sur {noun}.",
            "{name} gère un grand campus à {city} et modernise la façon dont les personnes et les marchandises s'y déplacent.",
        ),
    },
    "zh": {
        "corporate": (
            "我们是一家总部位于{city}的企业，业务涵盖{noun}。",
            "本公司位于{city}，长期深耕{noun}领域。",
        ),
        "public_authority": (
            "我们负责{city}市的综合交通规划、公共交通运营监管和道路管理。",
            "作为{city}市交通主管部门，我们正在推进{noun}相关工作。",
        ),
        "research": (
            "我们是{city}的一家研究机构，长期从事{noun}研究。",
            "本实验室位于{city}，与企业和政府合作开展{noun}方向的研究与测试。",
        ),
        "association": (
            "本联盟由从事{noun}的企业、高校和科研院所自愿组成，总部设在{city}。",
            "我们是{city}的行业协会，下设{noun}工作组。",
        ),
        "investor": (
            "我们是一家位于{city}的投资机构，重点投资{noun}领域的早期企业。",
            "本基金关注出行与基础设施领域，当前重点方向是{noun}。",
        ),
        "distributor": (
            "我们是{city}的一家代理商，向城市、车队和集成商销售交通设备与软件。",
            "本公司总部位于{city}，负责海外交通产品在国内的进口、分销和售后服务。",
        ),
        "accelerator": (
            "我们是{city}的一家孵化加速机构，帮助出行领域初创企业对接首个试点项目。",
            "本平台在{city}为初创企业对接政府和大企业资源，并设有{noun}专项。",
        ),
        "other": (
            "我们是{city}的一家咨询机构，为城市和运营企业提供{noun}方面的咨询服务。",
            "我们管理{city}的一个大型园区，正在改善园区内人员和货物的出行方式。",
        ),
    },
}
PARTNER_SCALE: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "corporate": (
            "We employ around {n} people and serve customers in {m} countries.",
            "Our revenue has grown by {pct}% over the past three years.",
        ),
        "public_authority": (
            "The network carries about {k} million trips a year on more than {n} routes.",
            "We manage roughly {k},000 on-street parking spaces and {n} signalised intersections.",
        ),
        "research": (
            "Our team of {n} researchers runs {m} industry-funded projects a year.",
            "We operate a test track of {k} kilometres and publish our results openly.",
        ),
        "association": (
            "We represent more than {n} member organisations, from start-ups to global suppliers.",
            "Our {m} working groups meet regularly with regulators.",
        ),
        "investor": (
            "The fund manages {n} million dollars and has made {m} investments so far.",
            "Typical tickets range from one to {k} million dollars.",
        ),
        "distributor": (
            "We work with {n} resellers and installers and hold stock in {m} warehouses.",
            "Our sales team covers {m} regions and attends the main trade shows.",
        ),
        "accelerator": (
            "Each cohort takes {m} start-ups, and {pct}% of alumni have signed a paid pilot.",
            "Since {year}, we have supported more than {n} companies.",
        ),
        "other": (
            "About {k},000 people come through our site every day.",
            "We advise {m} municipalities and transport operators each year.",
        ),
    },
    "fr": {
        "corporate": (
            "Nous employons environ {n} personnes et servons des clients dans {m} pays.",
            "Notre chiffre d'affaires a progressé de {pct} % en trois ans.",
        ),
        "public_authority": (
            "Le réseau compte environ {k} millions de déplacements par an sur plus de {n} lignes.",
            "Nous gérons environ {k} 000 places de stationnement sur rue et {n} carrefours à feux.",
        ),
        "research": (
            "Notre équipe de {n} chercheurs mène {m} projets financés par l'industrie chaque année.",
            "Nous disposons d'une piste d'essai de {k} kilomètres et publions nos résultats.",
        ),
        "association": (
            "Nous représentons plus de {n} organisations membres, des jeunes pousses aux grands équipementiers.",
            "Nos {m} comités de travail rencontrent régulièrement les autorités.",
        ),
        "investor": (
            "Le fonds gère {n} millions de dollars et a réalisé {m} investissements à ce jour.",
            "Nos investissements vont d'un à {k} millions de dollars.",
        ),
        "distributor": (
            "Nous travaillons avec {n} revendeurs et installateurs et disposons de {m} entrepôts.",
            "Notre équipe commerciale couvre le Québec, l'Ontario et les Maritimes.",
        ),
        "accelerator": (
            "Chaque cohorte accueille {m} jeunes pousses, et {pct} % d'entre elles signent un projet pilote rémunéré.",
            "Depuis {year}, nous avons accompagné plus de {n} entreprises.",
        ),
        "other": (
            "Environ {k} 000 personnes fréquentent notre site chaque jour.",
            "Nous conseillons {m} municipalités et sociétés de transport chaque année.",
        ),
    },
    "zh": {
        "corporate": (
            "公司产品已在国内{m}个城市落地应用。",
            "近三年公司营业收入累计增长{pct}%。",
        ),
        "public_authority": (
            "全市公交线路超过{n}条，路侧泊位约{k}万个。",
            "全市年客运量约{k}亿人次，信号控制路口{n}余个。",
        ),
        "research": (
            "团队现有研究人员{n}名，每年承担{m}项企业合作项目。",
            "我们拥有{k}公里的封闭测试道路。",
        ),
        "association": (
            "联盟现有会员单位{n}家，涵盖整车、零部件、通信和运营企业。",
            "联盟下设{m}个专业委员会，定期与主管部门沟通。",
        ),
        "investor": (
            "基金管理规模约{n}亿元，已投资{m}家企业。",
            "单笔投资金额一般在{k}千万元以内。",
        ),
        "distributor": (
            "我们拥有{n}家经销和集成合作伙伴，在全国设有{m}个仓库。",
            "销售网络覆盖{m}个省份。",
        ),
        "accelerator": (
            "每期项目遴选{m}家初创企业，{pct}%的毕业企业获得付费试点。",
            "自{year}年以来，我们已服务{n}余家企业。",
        ),
        "other": (
            "园区每天人流量约{k}万人次。",
            "我们每年为{m}个城市和交通企业提供咨询服务。",
        ),
    },
}
PARTNER_SEEKING: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "corporate": (
            "We are looking for European technology partners for joint pilots and, where it works, supply agreements.",
            "We want to meet innovative European SMEs that could become suppliers or co-development partners.",
        ),
        "public_authority": (
            "European companies are welcome to join our pilot programmes, subject to local procurement rules.",
            "We invite vendors with proven deployments to propose demonstrations on our streets.",
        ),
        "research": (
            "We welcome European companies looking for independent evaluations or joint research proposals.",
            "Engineers from European firms can test their systems at our facilities.",
        ),
        "association": (
            "We help foreign companies understand local standards and introduce them to our members.",
            "European SMEs can join our matchmaking events and working groups.",
        ),
        "investor": (
            "We co-invest with European funds when a portfolio company opens a subsidiary here.",
            "We look for European founders ready to open a local office and hire a team.",
        ),
        "distributor": (
            "We seek European products with proven reliability, certifications and healthy margins.",
            "We want exclusive or regional distribution rights for innovative European products.",
        ),
        "accelerator": (
            "European startups can apply for our soft-landing track, with desk space and introductions.",
            "We are recruiting European companies for our next cohort.",
        ),
        "other": (
            "We are open to European suppliers with references from comparable sites.",
            "We would consider a pilot with a European provider if it fits our operations.",
        ),
    },
    "fr": {
        "corporate": (
            "Nous cherchons des partenaires technologiques européens pour des projets pilotes communs et, si cela fonctionne, des contrats d'approvisionnement.",
            "Nous souhaitons rencontrer des PME européennes innovantes qui pourraient devenir fournisseurs ou partenaires de codéveloppement.",
        ),
        "public_authority": (
            "Les entreprises européennes peuvent participer à nos projets pilotes, dans le respect des règles d'approvisionnement municipales.",
            "Nous invitons les fournisseurs ayant des déploiements éprouvés à proposer des démonstrations sur notre territoire.",
        ),
        "research": (
            "Nous accueillons les entreprises européennes qui cherchent une évaluation indépendante ou un projet de recherche conjoint.",
            "Les ingénieurs d'entreprises européennes peuvent tester leurs systèmes dans nos installations.",
        ),
        "association": (
            "Nous aidons les entreprises étrangères à comprendre les normes locales et les présentons à nos membres.",
            "Les PME européennes peuvent participer à nos rencontres d'affaires et à nos comités.",
        ),
        "investor": (
            "Nous co-investissons avec des fonds européens lorsqu'une entreprise ouvre une filiale au Québec.",
            "Nous cherchons des fondateurs européens prêts à ouvrir un bureau et à recruter une équipe ici.",
        ),
        "distributor": (
            "Nous recherchons des produits européens fiables, certifiés et offrant de bonnes marges.",
            "Nous souhaitons obtenir des droits de distribution exclusifs ou régionaux pour des produits européens innovants.",
        ),
        "accelerator": (
            "Les jeunes pousses européennes peuvent postuler à notre programme d'atterrissage en douceur, avec bureaux et mises en relation.",
            "Nous recrutons des entreprises européennes pour notre prochaine cohorte.",
        ),
        "other": (
            "Nous sommes ouverts aux fournisseurs européens ayant des références sur des sites comparables.",
            "Nous envisagerions un projet pilote avec un fournisseur européen s'il s'intègre à nos activités.",
        ),
    },
    "zh": {
        "corporate": (
            "我们希望与欧洲技术企业开展联合试点，并在条件成熟时建立供货合作。",
            "欢迎有创新产品的欧洲中小企业成为我们的供应商或联合研发伙伴。",
        ),
        "public_authority": (
            "欢迎具备成熟案例的海外企业参与试点交流，合作须符合政府采购相关规定。",
            "我们邀请有成功部署经验的企业来本市开展技术演示。",
        ),
        "research": (
            "欢迎欧洲企业与我们开展独立测评或联合申报科研项目。",
            "欧洲企业的工程师可以在我们的测试场开展系统验证。",
        ),
        "association": (
            "我们帮助海外企业了解国内标准体系和招投标流程，并推荐有意向的会员单位合作。",
            "欢迎欧洲中小企业参加我们定期组织的对接会和专题工作组。",
        ),
        "investor": (
            "当被投企业在中国设立子公司时，我们愿意与欧洲基金联合投资。",
            "我们寻找愿意在国内设立团队的欧洲创业者。",
        ),
        "distributor": (
            "我们寻找可靠性高、认证齐全、利润空间合理的欧洲产品。",
            "希望获得欧洲创新产品在国内的独家或区域代理权。",
        ),
        "accelerator": (
            "欧洲初创企业可以申请我们的落地支持项目，获得办公空间和资源对接。",
            "我们正在为下一期项目招募欧洲企业。",
        ),
        "other": (
            "我们欢迎在类似场景有应用案例的欧洲供应商。",
            "如与我们的运营需求契合，我们愿意与欧洲企业开展试点。",
        ),
    },
}
# A second field the partner follows, named by a noun.
PARTNER_ALSO: dict[str, tuple[str, ...]] = {
    "en": (
        "We also follow {noun2} closely.",
        "A second priority is {noun2}.",
        "Other topics on our agenda include {noun2}.",
    ),
    "fr": (
        "Nous suivons aussi de près {noun2}.",
        "Autre priorité : {noun2}.",
        "Parmi nos autres sujets : {noun2}.",
    ),
    "zh": ("我们也在关注{noun2}。", "另一个重点方向是{noun2}。"),
}
# What working in the partner's market involves; French only for Canada, Chinese only for China.
PARTNER_CLOSINGS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "US": (
            "Pilots with US agencies usually go through a competitive procurement, and Buy America rules may apply to hardware.",
            "FCC and UL certification are prerequisites for hardware sold in the US, and we can advise on both.",
            "A US reference customer is often the key to winning contracts with other states and cities.",
        ),
        "CA": (
            "Projects with Canadian municipalities often start with a paid pilot and can draw on federal innovation funding.",
            "Documentation in both English and French is an advantage for work across Canada.",
        ),
        "CN": (
            "Projects in China are usually delivered with a local partner and must comply with data-localisation rules.",
            "We organise matchmaking visits for European delegations several times a year.",
        ),
        "SG": (
            "Trials in Singapore are coordinated with the Land Transport Authority and can move to tender within a year.",
            "Singapore is often used as a test bed before scaling across Southeast Asia.",
            "Government co-funding is available for pilots that involve a local partner.",
        ),
    },
    "fr": {
        "CA": (
            "Les projets municipaux au Québec passent généralement par un appel d'offres public, souvent précédé d'un projet pilote rémunéré.",
            "Une documentation et un service en français sont indispensables pour travailler avec les villes québécoises.",
            "Des programmes de financement provinciaux et fédéraux peuvent soutenir les projets de démonstration.",
        ),
    },
    "zh": {
        "CN": (
            "合作项目一般需要通过本地合作伙伴实施，并符合数据安全与本地化存储要求。",
            "我们每年组织多次中欧企业对接活动，欢迎海外企业参加。",
            "试点成功后，项目采购将按照政府或国有企业招标程序进行。",
        ),
    },
}
