#pragma once
/// \file
/// Every layer and table a city's GeoPackage can hold, declared once (PDAL's declared
/// dimensions, GDAL 3.11's declared arguments): its name, geometry, columns with their type
/// and rule in the shareable copy, whether it is private, and its style recipe. Stages emit
/// values into a LayerSink, which checks them against the declarations; the writer, the
/// shareable copy, titles, aliases and the tests iterate the declarations
/// (docs/methods.md §14 for the suppression rules).
///
/// Names may hold one placeholder, `{code}` (an ICCS code of [analysis] categories) or
/// `{kind}` (a facility network): `count_{code}`, `coverage_{kind}`, `dist_{kind}`.

#include "io/gpkg_writer.hpp"

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigia::engine {

enum class ColumnType { integer, real, text, time };
const char* to_string(ColumnType t) noexcept;

/// What the shareable copy does with a column (docs/methods.md §14).
enum class Suppress {
    none,    ///< shown as is
    count,   ///< a count: values strictly between 0 and min_count become NULL
    derived, ///< derived from `derived_from`: NULL where that count is suppressed
    category ///< a {code} column: left out when the category is small
};

struct ColumnDecl {
    std::string name;
    ColumnType type = ColumnType::real;
    Suppress suppress = Suppress::none;
    std::string derived_from; ///< for Suppress::derived: a count column, or several (spaces)
    /// True when this column is derived from the count column `count` (one of derived_from).
    bool derives_from(std::string_view count) const;
};

enum class LayerGeometry { none, point, multipolygon, mixed };

struct LayerDecl {
    std::string name;
    LayerGeometry geometry = LayerGeometry::none;
    std::vector<ColumnDecl> columns;
    bool is_private = false;      ///< records: never in the shareable copy
    bool category_rows = false;   ///< rows of a small category are left out when shared
    bool public_run_info = false; ///< run_info: entries filtered by public_info()
    std::string style;            ///< style recipe (engine/styles.cpp), "none" for tables
    const ColumnDecl* column(std::string_view name) const; ///< placeholders matched
};

/// True when `concrete` is `pattern` with its placeholder filled ("count_0401" and
/// "count_{code}"); `value` receives what fills it.
bool matches(std::string_view pattern, std::string_view concrete, std::string* value = nullptr);

class LayerRegistry {
public:
    LayerDecl& add(LayerDecl d);
    /// The declaration of a layer name (placeholders matched); null when undeclared.
    const LayerDecl* find(std::string_view name) const;
    const std::deque<LayerDecl>& all() const noexcept { return m_layers; }

private:
    std::deque<LayerDecl> m_layers;
};

/// The layers of a city's GeoPackage, in the order they are written.
const LayerRegistry& city_layers();

/// A declaration problem: a column or layer without an alias or title in a language, a
/// column declared twice. Empty when the registry is sound. `alias` gives the alias of a
/// concrete field ("" when none), `title` the title of a layer ("" when none).
struct RegistryProblem {
    std::string layer, column, what;
};
using AliasFn = std::function<std::string(std::string_view layer, std::string_view field)>;
using TitleFn = std::function<std::string(std::string_view layer)>;
std::vector<RegistryProblem> check_registry(const LayerRegistry& r, const AliasFn& alias,
                                            const TitleFn& title);

/// The layers a city's run emits, checked against the registry: an undeclared layer or
/// column, or a column of the wrong type, is a logic error (a bug: the test suite runs every
/// stage). Geometry the sink must own (built for the layer) goes in `own()`.
class LayerSink {
public:
    explicit LayerSink(const LayerRegistry& registry) : m_registry{registry} {}
    LayerSink(const LayerSink&) = delete;
    LayerSink& operator=(const LayerSink&) = delete;

    /// Opens (or returns) the layer `name`; its rows are fixed by the first column or
    /// geometry given.
    io::LayerData& layer(const std::string& name);
    /// Adds a column, checked against the declaration (placeholders matched).
    void column(const std::string& layer, io::Column c);
    /// The shareable version of a layer, when it is not derived by the declarations' rules
    /// (city_stats, whose values are suppressed per category).
    io::LayerData& public_version(const std::string& name);
    /// Storage for geometry built for a layer; lives as long as the sink.
    std::vector<analysis::Wkb>& own();
    bool has(const std::string& name) const { return m_layers.count(name) > 0; }

    /// The emitted layers in declaration order (layers of one pattern in emission order),
    /// each with its columns in declaration order (pattern groups by first emission).
    std::vector<io::LayerData*> ordered();
    const io::LayerData* public_of(const std::string& name) const;
    const LayerRegistry& registry() const noexcept { return m_registry; }

private:
    const LayerRegistry& m_registry;
    std::map<std::string, io::LayerData> m_layers, m_public;
    std::vector<std::string> m_order; ///< emission order of layer names
    std::deque<std::vector<analysis::Wkb>> m_geometry;
};

/// Columns of `d` in the order of `decl`: static columns in declared order, a group of
/// consecutive placeholder columns once per value, in the order the values first appear.
void order_columns(io::LayerData& d, const LayerDecl& decl);

} // namespace vigia::engine
