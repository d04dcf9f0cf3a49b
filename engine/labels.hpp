#pragma once
/// \file
/// The words analysts read in QGIS and on maps, in English, Spanish, Portuguese and French:
/// Gi* and LISA class labels, field aliases of every layer Vigía writes, and the titles and
/// legend texts of maps. `[analysis] language` chooses one for the whole batch.
///
/// Terms follow the ones GeoDa and ArcGIS use in each language (punto caliente / frío,
/// ponto quente / frio, point chaud / froid; Alto-Alto, Baixo-Baixo, Élevé-Élevé …), so a
/// map reads like the tools analysts already know.
///
/// The words themselves are data: the CSV tables of data/i18n (`key,en,es,pt,fr`: classes,
/// fields, texts, layers, metrics), checked and compiled in at build time by
/// engine/gen/embed_tables.cpp (every key in every language, the same placeholders in each).
/// A key holding a placeholder (`field.dist_{kind}`, `layer.coverage_{kind}.title`) stands for
/// every name of that form; texts name their placeholders (`{city}`, `{radius_m}` …), except
/// the `_fmt` texts of text(), which hold one positional `{}` for fmt::format.

#include "engine/language.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigia::engine {

/// The Gi* confidence classes 3 … −3, in legend order (hot first), as data/i18n/classes.csv
/// lists them: the one list every legend and style iterates.
const std::vector<int>& gi_classes();

/// Label of a Gi* confidence class (field `gi_class`): 3 "Hot spot, 99% confidence", 2 (95 %),
/// 1 (90 %), 0 "Not significant", −1…−3 the cold spots. Throws std::out_of_range outside −3…3.
std::string gi_class_label(Language language, int cls);

/// Label of a LISA cluster code as written in field `lisa_cluster` ("HH", "LL", "LH", "HL",
/// "not significant"): High-High, Low-Low, Low-High, High-Low, Not significant (GeoDa's
/// names). Throws std::out_of_range for another code.
std::string lisa_label(Language language, std::string_view code);
/// The codes lisa_label knows, in legend order (as analysis::to_string(LisaCluster) writes them).
const std::vector<std::string>& lisa_codes();

/// Label of an emerging hot-spot pattern, as analysis::to_string(EhsaCategory) writes it in
/// field `ehs_category` ("new hot spot" … "historical cold spot", "no pattern"), in the
/// words of ArcGIS Pro's Emerging Hot Spot Analysis in each language. Throws
/// std::out_of_range for another code.
std::string ehs_label(Language language, std::string_view code);
/// The emerging hot-spot patterns as analysis::to_string(EhsaCategory) writes them, in the
/// order of analysis::EhsaCategory ("no pattern" first), as data/i18n/classes.csv lists them.
const std::vector<std::string>& ehs_codes();

/// Plain-words alias of a field of a layer or table of a city's GeoPackage or of
/// alliance.gpkg, e.g. ("grid", "gi_class") → "Hot or cold spot (Gi* confidence class)".
/// Names that depend on a facility kind are recognised with the kind in the alias:
/// `dist_<kind>`, `<kind>_dist_mean|median|p90`, `coverage_<kind>_incident_share|…` and the
/// fields of `coverage_<kind>`, `facilities_<kind>`, `suggested_<kind>`. An unknown field
/// gives the field name itself.
std::string field_alias(Language language, std::string_view layer, std::string_view field);

/// A word or phrase of maps, legends and style names, by key ("hot_spots_title", "legend",
/// "scale", "north", "source", "period", "density_legend", "rate_legend", …; see text_keys()).
/// Keys ending in "_fmt" hold one "{}" placeholder (for fmt::format). Throws
/// std::out_of_range naming the key when it is unknown, so a typo fails loudly.
std::string text(Language language, std::string_view key);
/// The keys of the map, legend and style words (data/i18n/texts.csv), in the table's order.
/// text() also reads every other key of data/i18n (has_text()).
std::vector<std::string> text_keys();

/// Whether `key` is a key of one of the data/i18n tables (exactly: patterns such as
/// "field.dist_{kind}" are keys as written).
bool has_text(std::string_view key);
/// Every key of the data/i18n tables that starts with `prefix` ("ehs.", "layer.grid."), in
/// table order.
std::vector<std::string> keys_with_prefix(std::string_view prefix);

/// `text` with each `{name}` replaced by values.at(name) (`{{` and `}}` are literal braces).
/// Throws std::out_of_range naming `context` and the placeholder when a value is missing.
std::string fill_placeholders(std::string_view text,
                              const std::map<std::string, std::string>& values,
                              std::string_view context = "fill_placeholders");

/// The title of a layer or table of a city's GeoPackage or of alliance.gpkg
/// (gpkg_contents.identifier), e.g. (en, "grid", "Zapopan") → "Zapopan: grid cells",
/// (fr, "facilities_police", "Zapopan") → "Zapopan : équipements : police". Kind-named layers
/// (coverage_<kind>, facilities_<kind>, suggested_<kind>) carry the kind. Throws
/// std::out_of_range naming the layer when data/i18n/layers.csv has no title for it.
std::string layer_title(Language language, std::string_view layer, std::string_view city);

/// The description of a layer (gpkg_contents.description) with its placeholders filled from
/// `values` ({city}, {cell_size_m}, {shape}, {radius_m} …; {kind} comes from a kind-named
/// layer's name). Throws std::out_of_range naming the layer and the placeholder when a value
/// is missing, or the layer when it has no description.
std::string layer_description(Language language, std::string_view layer,
                              const std::map<std::string, std::string>& values);

/// The description of a city_stats metric (data/i18n/metrics.csv, key "metric.<name>"), its
/// name-bound placeholder filled (the kind of coverage_<kind>_incident_share, the pattern of
/// ehs_<pattern>_cells); other placeholders ({radius_m}, {rule} …) are left as written.
/// Throws std::out_of_range naming the metric when there is none.
std::string metric_description(Language language, std::string_view metric);
/// The same with every placeholder filled from `values`; throws std::out_of_range naming the
/// metric and the placeholder when one is missing.
std::string metric_description(Language language, std::string_view metric,
                               const std::map<std::string, std::string>& values);

/// A number as written in the language: decimal comma in es, pt and fr; digits grouped by
/// thousands from 10,000 (en ",", pt ".", es and fr a no-break space, as the RAE and the
/// French rules recommend: "1.200" would read as 1.2 in Mexico); at most `max_decimals`
/// decimals, trailing zeros dropped; "−" never appears (values are plain ASCII minus).
std::string format_number(Language language, double value, int max_decimals = 6);

} // namespace vigia::engine
