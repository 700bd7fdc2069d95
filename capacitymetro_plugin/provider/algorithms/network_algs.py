"""Network accessibility: prepare a network, service isochrones, territories, OD matrix."""

from __future__ import annotations

from typing import Any

from qgis.core import (
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorDestination,
)

from capacitymetro_plugin.compat import FieldParameterType, SourceType
from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.provider.base import CapaCityMetroAlgorithm

MODES = ["walk", "bike", "car"]
BANDS = ["nested", "disjoint"]
METHODS = ["raster", "vector", "hull", "node_hull"]
METHOD_LABELS = [
    "Streets, raster (fast)",
    "Streets, exact vector (slow)",
    "Convex hull (quick look; crosses rivers)",
    "Convex hull of reached nodes (osmnx recipe; for comparison)",
]
TERRITORY_OUTPUTS = ["edges", "polygons"]


class _NetworkBase(CapaCityMetroAlgorithm):
    """Shared inputs: a prepared network file, service points, snap distance."""

    GROUP = CapaCityMetroAlgorithm.GROUP_NETWORK
    NETWORK = "NETWORK"
    SERVICES = "SERVICES"
    ID_FIELD = "ID_FIELD"
    MAX_SNAP = "MAX_SNAP"
    OUTPUT = "OUTPUT"

    def add_network_input(self) -> None:
        self.addParameter(
            QgsProcessingParameterFile(
                self.NETWORK,
                self.tr("Prepared network (.npz from Prepare network)"),
                extension="npz",
            )
        )

    def add_services_input(self, key: str | None = None, label: str = "Services") -> None:
        key = key or self.SERVICES
        self.addParameter(
            QgsProcessingParameterFeatureSource(key, self.tr(label), [SourceType.VectorAnyGeometry])
        )

    def add_id_field(self, key: str | None = None, parent: str | None = None) -> None:
        self.addParameter(
            QgsProcessingParameterField(
                key or self.ID_FIELD,
                self.tr("Identifier field (empty: service_id, id or row number)"),
                parentLayerParameterName=parent or self.SERVICES,
                optional=True,
            )
        )

    def add_max_snap(self) -> None:
        self.add_number(
            self.MAX_SNAP, "Maximum distance from the network (m)", defaultValue=250.0, minValue=0.1
        )

    def load_network(self, parameters, context):
        from capacitymetro_plugin.core.network import Network

        path = self.parameterAsFile(parameters, self.NETWORK, context)
        if not path:
            raise InputError(
                "No prepared network given.",
                fix="Run 'Prepare network' first and choose its .npz file.",
                it="Nessuna rete preparata indicata.",
                fix_it="Esegui prima 'Prepara rete' e scegli il suo file .npz.",
            )
        return Network.load(path)

    def read_points(self, parameters, key, context, feedback, what: str):
        gdf = self.read_vector(parameters, key, context, feedback)
        if gdf is None or len(gdf) == 0:
            raise InputError(
                f"The {what} layer is empty.",
                fix=f"Choose a layer with at least one {what} feature.",
                it=f"Il layer {what} è vuoto.",
                fix_it="Scegli un layer con almeno un elemento.",
            )
        return gdf

    def optional_field(self, parameters, key, context) -> str | None:
        value = self.parameterAsString(parameters, key, context)
        return value or None


class PrepareNetwork(_NetworkBase):
    NAME = "preparenetwork"
    DISPLAY_NAME = "Prepare network"
    SHORT_HELP = (
        "Builds a walk, bike or car network from an OpenStreetMap extract (.osm/.osm.pbf), an "
        "osmnx GraphML or a street-centreline layer noded at junctions, and saves it as one .npz "
        "file for the other network tools. Walk 4.5 km/h, bike 15 km/h, car by maxspeed or road "
        "class; one-way streets only for car. Every connected part of at least 3 nodes is kept "
        "(islands too; places are served by what their own part can reach); for car, of each "
        "part the largest one where every place can be left as well as reached."
    )
    OSM_FILE = "OSM_FILE"
    GRAPHML = "GRAPHML"
    STREETS = "STREETS"
    MODE = "MODE"
    SPEED = "SPEED"
    SNAP_TOLERANCE = "SNAP_TOLERANCE"
    OUTPUT_EDGES = "OUTPUT_EDGES"

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(
            QgsProcessingParameterFile(
                self.OSM_FILE,
                self.tr("OpenStreetMap extract (.osm or .osm.pbf)"),
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterFile(
                self.GRAPHML, self.tr("osmnx GraphML file"), extension="graphml", optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.STREETS,
                self.tr("Street centrelines (noded at junctions)"),
                [SourceType.VectorLine],
                optional=True,
            )
        )
        self.add_enum(self.MODE, "Travel mode", MODES, default=0)
        self.add_number(
            self.SPEED,
            "Speed on every street (km/h; 0 = defaults per mode)",
            defaultValue=0.0,
            minValue=0.0,
        )
        self.add_number(
            self.SNAP_TOLERANCE,
            "Join line ends closer than (m, street layer only)",
            defaultValue=0.1,
            minValue=0.0,
        )
        self.addParameter(
            QgsProcessingParameterFileDestination(
                self.OUTPUT, self.tr("Prepared network"), self.tr("Network (*.npz)")
            )
        )
        self.addParameter(
            QgsProcessingParameterVectorDestination(
                self.OUTPUT_EDGES,
                self.tr("Network streets (to look at)"),
                SourceType.VectorLine,
                optional=True,
                createByDefault=False,
            )
        )

    def execute(self, parameters, context, feedback, progress) -> dict[str, Any]:
        from capacitymetro_plugin.core.network import (
            network_from_graphml,
            network_from_lines,
            network_from_osm,
        )

        mode = MODES[self.parameterAsEnum(parameters, self.MODE, context)]
        speed = self.parameterAsDouble(parameters, self.SPEED, context)
        speeds = speed if speed > 0 else None
        osm = self.parameterAsFile(parameters, self.OSM_FILE, context)
        graphml = self.parameterAsFile(parameters, self.GRAPHML, context)
        if osm:
            net = network_from_osm(osm, mode=mode, speeds=speeds, progress=progress)
        elif graphml:
            net = network_from_graphml(graphml, mode=mode, speeds=speeds, progress=progress)
        else:
            streets = self.read_vector(parameters, self.STREETS, context, feedback)
            if streets is None:
                raise InputError(
                    "No street input given.",
                    fix="Choose an OSM extract, a GraphML file or a street line layer.",
                    it="Nessun input stradale indicato.",
                    fix_it="Scegli un estratto OSM, un file GraphML o un layer di strade.",
                )
            tol = self.parameterAsDouble(parameters, self.SNAP_TOLERANCE, context)
            net = network_from_lines(
                streets, mode=mode, speeds=speeds, snap_tolerance=tol, progress=progress
            )
        out = self.parameterAsFileOutput(parameters, self.OUTPUT, context)
        path = net.save(out)
        feedback.pushInfo(
            self.tr("Network: {} nodes, {} edges, EPSG:{}").format(
                net.n_nodes, net.n_edges, net.crs
            )
        )
        result = {self.OUTPUT: str(path), "NODES": net.n_nodes, "EDGES": net.n_edges}
        if parameters.get(self.OUTPUT_EDGES):
            result[self.OUTPUT_EDGES] = self.write_vector(
                net.edges_gdf(), parameters, self.OUTPUT_EDGES, context
            )
        return result


class ServiceIsochrones(_NetworkBase):
    NAME = "serviceisochrones"
    DISPLAY_NAME = "Service isochrones"
    SHORT_HELP = (
        "Isochrone polygons for every service at several travel-time thresholds, built from the "
        "streets reached (streets at the edge cut where the time runs out), so shapes follow the "
        "streets and do not cross rivers or canals without a bridge (the default street shapes; "
        "the convex-hull shapes are a quick look that does cross them: of the reached streets, or "
        "of the reached nodes only, as the osmnx ego_graph recipe, for comparison with studies "
        "made with it). Nested bands contain all places within the threshold; disjoint bands only "
        "the ring from the previous one."
    )
    THRESHOLDS = "THRESHOLDS"
    BANDS = "BANDS"
    PER_SERVICE = "PER_SERVICE"
    BUFFER = "BUFFER"
    METHOD = "METHOD"

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_network_input()
        self.add_services_input()
        self.add_skip_unlocated()
        self.add_id_field()
        self.add_number_list(self.THRESHOLDS, "Thresholds (minutes)", "5,10,15,20,30")
        self.add_enum(self.BANDS, "Bands", BANDS, default=0)
        self.addParameter(
            QgsProcessingParameterBoolean(
                self.PER_SERVICE, self.tr("One set of polygons per service"), defaultValue=True
            )
        )
        self.add_number(
            self.BUFFER,
            "Band around reached streets (m; 0: hulls unwidened)",
            defaultValue=20.0,
            minValue=0.0,
        )
        self.add_enum(self.METHOD, "Isochrone shape", METHOD_LABELS, default=0)
        self.add_max_snap()
        self.addParameter(
            QgsProcessingParameterVectorDestination(
                self.OUTPUT, self.tr("Isochrones"), SourceType.VectorPolygon
            )
        )

    def execute(self, parameters, context, feedback, progress) -> dict[str, Any]:
        from capacitymetro_plugin.core.access import isochrones

        net = self.load_network(parameters, context)
        services = self.read_points(parameters, self.SERVICES, context, feedback, "services")
        services, skipped = self.analysed_services(services, parameters, context, progress)
        gdf = isochrones(
            net,
            services,
            thresholds_min=self.parameter_as_number_list(parameters, self.THRESHOLDS, context),
            bands=BANDS[self.parameterAsEnum(parameters, self.BANDS, context)],
            per_service=self.parameterAsBoolean(parameters, self.PER_SERVICE, context),
            id_field=self.optional_field(parameters, self.ID_FIELD, context),
            max_snap_m=self.parameterAsDouble(parameters, self.MAX_SNAP, context),
            buffer_m=self.parameterAsDouble(parameters, self.BUFFER, context),
            method=METHODS[self.parameterAsEnum(parameters, self.METHOD, context)],
            progress=progress,
        )
        path = self.write_vector(gdf, parameters, self.OUTPUT, context, style="isochrones.qml")
        return {self.OUTPUT: path, "COUNT": len(gdf), self.SKIPPED: skipped}


class NearestServiceTerritories(_NetworkBase):
    NAME = "territories"
    DISPLAY_NAME = "Nearest-service territories"
    SHORT_HELP = (
        "Gives every street to the service reached first (a network Voronoi), with the travel "
        "time. Streets between two services are cut where the times meet. Optionally only the "
        "services of one sector, an extra delay per service (minutes, e.g. waiting time) and a "
        "maximum time."
    )
    SECTOR = "SECTOR"
    SECTOR_FIELD = "SECTOR_FIELD"
    DELAY_FIELD = "DELAY_FIELD"
    CUTOFF = "CUTOFF"
    OUTPUT_TYPE = "OUTPUT_TYPE"

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_network_input()
        self.add_services_input()
        self.add_skip_unlocated()
        self.add_id_field()
        self.addParameter(
            QgsProcessingParameterString(
                self.SECTOR, self.tr("Sector code (empty: all services)"), optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.SECTOR_FIELD,
                self.tr("Sectors field (codes separated by ;)"),
                parentLayerParameterName=self.SERVICES,
                defaultValue="sectors",
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.DELAY_FIELD,
                self.tr("Extra delay field (minutes)"),
                parentLayerParameterName=self.SERVICES,
                type=FieldParameterType.Numeric,
                optional=True,
            )
        )
        self.add_number(
            self.CUTOFF,
            "Maximum travel time (minutes; 0 = no limit)",
            defaultValue=0.0,
            minValue=0.0,
        )
        self.add_enum(self.OUTPUT_TYPE, "Output", TERRITORY_OUTPUTS, default=0)
        self.add_max_snap()
        self.addParameter(
            QgsProcessingParameterVectorDestination(
                self.OUTPUT, self.tr("Territories"), SourceType.VectorAnyGeometry
            )
        )

    def execute(self, parameters, context, feedback, progress) -> dict[str, Any]:
        from capacitymetro_plugin.core.access import territories

        net = self.load_network(parameters, context)
        services = self.read_points(parameters, self.SERVICES, context, feedback, "services")
        # status and location by the core rule; the sector below, in its own field
        services, skipped = self.analysed_services(services, parameters, context, progress)
        cutoff = self.parameterAsDouble(parameters, self.CUTOFF, context)
        output = TERRITORY_OUTPUTS[self.parameterAsEnum(parameters, self.OUTPUT_TYPE, context)]
        gdf = territories(
            net,
            services,
            sector=self.optional_field(parameters, self.SECTOR, context),
            sector_field=self.optional_field(parameters, self.SECTOR_FIELD, context) or "sectors",
            delay_field=self.optional_field(parameters, self.DELAY_FIELD, context),
            cutoff_s=cutoff * 60.0 if cutoff > 0 else None,
            id_field=self.optional_field(parameters, self.ID_FIELD, context),
            output=output,
            max_snap_m=self.parameterAsDouble(parameters, self.MAX_SNAP, context),
            progress=progress,
        )
        style = "territories.qml" if output == "edges" else "territories_polygons.qml"
        path = self.write_vector(gdf, parameters, self.OUTPUT, context, style=style)
        return {self.OUTPUT: path, "COUNT": len(gdf), self.SKIPPED: skipped}


class OdMatrix(_NetworkBase):
    NAME = "odmatrix"
    DISPLAY_NAME = "OD matrix"
    SHORT_HELP = (
        "Travel times from every origin to every destination on the network, as straight "
        "origin–destination lines with the time in minutes (only pairs within the maximum time). "
        "Points farther than the maximum snap distance from the network are reported."
    )
    ORIGINS = "ORIGINS"
    ORIGIN_ID = "ORIGIN_ID"
    DESTINATIONS = "DESTINATIONS"
    DEST_ID = "DEST_ID"
    CUTOFF = "CUTOFF"

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_network_input()
        self.add_services_input(self.ORIGINS, "Origins")
        self.add_id_field(self.ORIGIN_ID, self.ORIGINS)
        self.add_services_input(self.DESTINATIONS, "Destinations")
        self.add_id_field(self.DEST_ID, self.DESTINATIONS)
        self.add_number(
            self.CUTOFF,
            "Maximum travel time (minutes; 0 = no limit)",
            defaultValue=30.0,
            minValue=0.0,
        )
        self.add_max_snap()
        self.addParameter(
            QgsProcessingParameterVectorDestination(
                self.OUTPUT, self.tr("OD lines"), SourceType.VectorLine
            )
        )

    def execute(self, parameters, context, feedback, progress) -> dict[str, Any]:
        from capacitymetro_plugin.core.access import od_lines

        cutoff = self.parameterAsDouble(parameters, self.CUTOFF, context)
        gdf = od_lines(
            self.load_network(parameters, context),
            self.read_points(parameters, self.ORIGINS, context, feedback, "origins"),
            self.read_points(parameters, self.DESTINATIONS, context, feedback, "destinations"),
            origin_id=self.optional_field(parameters, self.ORIGIN_ID, context),
            dest_id=self.optional_field(parameters, self.DEST_ID, context),
            cutoff_s=cutoff * 60.0 if cutoff > 0 else None,
            max_snap_m=self.parameterAsDouble(parameters, self.MAX_SNAP, context),
            progress=progress,
        )
        path = self.write_vector(gdf, parameters, self.OUTPUT, context)
        return {self.OUTPUT: path, "PAIRS": len(gdf)}


ALGORITHMS = [PrepareNetwork, ServiceIsochrones, NearestServiceTerritories, OdMatrix]
