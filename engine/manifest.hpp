#pragma once
/// \file
/// The TOML manifest: analysis parameters shared by every city, and one entry per city.
/// Paths are resolved relative to the manifest's folder. Unknown keys, missing required
/// keys and wrong types are ManifestErrors naming the key and its line.

#include "analysis/error.hpp"
#include "analysis/grid.hpp"
#include "analysis/kde.hpp"
#include "engine/language.hpp"
#include "io/sources.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace vigia::engine {

/// A manifest that cannot be used as written (the CLI exits with 2).
struct ManifestError : UsageError {
    using UsageError::UsageError;
};

/// Kernel density settings (docs/methods.md §9).
struct KdeParams {
    analysis::Kernel kernel = analysis::Kernel::quartic;
    double bandwidth_m = 500; ///< quartic: search radius h; gaussian: sigma; 0 = "auto"
    double pixel_m = 50;
};

/// The space-time cube and emerging hot spots (docs/methods.md §15).
struct TimeParams {
    std::string step = "month"; ///< "week", "month", "quarter", "year", or "days"
    int step_days = 0;          ///< with step = "days": days per step
    int window = 1;             ///< time_window: steps back in a bin's neighbourhood
    bool drop_partial = true;   ///< partial_steps = "drop" (default) or "keep"
};

/// The near-repeat (Knox) test (docs/methods.md §16). Empty bands: the defaults (multiples
/// of the cell size; 7-day bands).
struct NearRepeatParams {
    std::vector<double> distance_bands_m;
    std::vector<double> time_bands_days;
    std::size_t permutations = 999;
};

struct AnalysisParams {
    analysis::GridSpec grid;  ///< default: hex, 250 m
    std::string crs = "auto"; ///< "auto": UTM zone of the boundary's centroid
    std::optional<io::Period> period;
    std::string period_text; ///< "2019-01-01/2019-12-31", for run_info
    /// Hot-spot stability: hot spots of `train` predict `test`; default (unset): the first and
    /// second halves of each city's data.
    std::optional<io::Period> train, test;
    /// Neighbourhood for the local statistics, m; 0 = the first ring of cells (queen
    /// contiguity for sub-units), the same in every city.
    double neighbourhood_m = 0;
    std::size_t permutations = 999;
    std::uint64_t seed = 12345;
    bool fdr = true; ///< Benjamini–Hochberg correction of the Gi* classes
    KdeParams kde;
    /// ICCS codes whose statistics are computed as well as those of all incidents; a code
    /// takes in every code below it in the hierarchy ("05" holds "0501" and "05011").
    std::vector<std::string> categories;
    /// Labels of classes, legends, field aliases, layer titles and maps.
    Language language = Language::en;
    TimeParams time;
    NearRepeatParams near_repeat;
};

/// What the shareable outputs (alliance files, maps, <slug>_public.gpkg) may show.
struct PublishParams {
    bool enabled = false; ///< a [publish] table was given: write <slug>_public.gpkg
    /// Counts below this are suppressed (NULL) in shareable outputs; 0 = no suppression.
    /// With a threshold, the public GeoPackage leaves out incident points and record rows.
    double min_count = 0;
};

/// What new sites of a facility network should cover most of.
enum class Objective { incidents, hotspot, population };
const char* to_string(Objective o) noexcept;

/// A facility network ([[city.facilities]]).
struct FacilityConfig {
    std::string kind;             ///< police, cctv, sports, …: names the output layers
    io::FeatureSourceSpec source; ///< points or polygons
    double radius_m = 0;          ///< reach of one facility
    std::size_t suggest = 0;      ///< new sites to propose (0: none)
    Objective objective = Objective::incidents;
    std::string candidates; ///< optional point layer of candidate sites
};

/// A prevention programme's sites ([[city.interventions]], docs/methods.md §19): each site is
/// compared before and after its start with a control, and its catchment buffer is watched
/// for displacement.
struct InterventionConfig {
    std::string kind;                  ///< sports, lighting, …: sites of one kind are pooled
    io::FeatureSourceSpec source;      ///< points (a radius around each) or polygons; name_field
    std::string start_field;           ///< each site's own start date, or
    std::optional<std::int64_t> start; ///< one start for every site (civil seconds of a day)
    std::string end_field;             ///< optional: the after window ends there
    double radius_m = 0; ///< target around a point site (required when there are points)
    double buffer_m = 0; ///< catchment ring beyond the target; 0: none (no WDQ)
    std::optional<io::FeatureSourceSpec> control; ///< default: the city less targets, buffers
    int before_months = 0, after_months = 0;      ///< 0: equal windows, as long as data allow
    std::vector<std::string> categories;          ///< ICCS codes aimed at; empty: all incidents
};

struct CityConfig {
    std::string name;
    std::string slug;
    io::PolygonSourceSpec boundary;
    std::optional<io::IncidentSourceSpec> incidents;
    std::optional<io::CountsSourceSpec> counts;
    std::vector<FacilityConfig> facilities;
    std::vector<InterventionConfig> interventions;
    std::optional<io::FeatureSourceSpec> population; ///< polygons, value_field = residents
    std::string categories; ///< optional CSV mapping the city's offence labels to ICCS codes
    /// Points outside the boundary allowed before the run fails (1: any share, as a force- or
    /// country-wide extract may have); the wrong-CRS checks apply whatever it is.
    double max_outside_share = 1.0;
    /// A reason (other than where, period or outside) may reject at most this share of the
    /// records before the city fails (docs/methods.md §4).
    double max_rejected_share = 0.5;
};

struct Manifest {
    std::filesystem::path path;
    AnalysisParams analysis;
    PublishParams publish;
    std::vector<CityConfig> cities;
};

Manifest load_manifest(const std::filesystem::path& path);
/// Parses manifest text; `path` names it in messages and anchors relative paths.
Manifest parse_manifest(std::string_view text, const std::filesystem::path& path);

/// "2019-01-01/2019-12-31".
std::string period_text(const io::Period& p);

/// "Ciudad de México" → "ciudad-de-mexico": lower-case ASCII, accents dropped.
std::string slugify(std::string_view name);

} // namespace vigia::engine
