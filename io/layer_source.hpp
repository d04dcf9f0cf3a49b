#pragma once
/// \file
/// Opening an input layer as the manifest names it (a file and layer, or a GDAL SQL query)
/// and reading its text in UTF-8 whatever the file's encoding: shared by every reader.

#include "io/gdal_util.hpp"
#include "io/sources.hpp"
#include "io/text.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace vigia::io {

/// An open layer: the dataset and either one of its layers or the result of a query, released
/// in the right order. Throws InputError naming the file for a missing file, layer or a query
/// GDAL refuses.
class OpenLayer {
public:
    explicit OpenLayer(const LayerLocation& where);
    ~OpenLayer();
    OpenLayer(const OpenLayer&) = delete;
    OpenLayer& operator=(const OpenLayer&) = delete;

    OGRLayer& layer() noexcept { return *m_layer; }
    GDALDataset& dataset() noexcept { return *m_ds; }
    const std::string& path() const noexcept { return m_path; }
    /// "layer 'x'", or "sql \"SELECT …\"" for messages.
    std::string what() const;
    /// "file layer 'x'" for messages.
    std::string where() const;
    const std::string& driver() const noexcept { return m_driver; }
    /// The layer's (or query's) name.
    std::string name() const { return m_layer->GetName(); }
    bool is_query() const noexcept { return m_query; }
    /// True when the format says nothing of its text encoding (CSV, a DBF without .cpg or
    /// code page), so it must be detected from the bytes.
    bool encoding_undeclared() const noexcept { return m_undeclared; }

private:
    std::string m_path, m_sql, m_driver;
    GDALDatasetUniquePtr m_ds;
    OGRLayer* m_layer = nullptr;
    bool m_query = false, m_undeclared = false;
};

/// The text encoding of one layer: declared by its format (GDAL then gives UTF-8), detected
/// from its bytes (UTF-8 when every string observed is valid UTF-8, else Windows-1252), or
/// given by `encoding = "..."`. Strings are observed first, decoded once decide() ran.
class TextPolicy {
public:
    TextPolicy(const OpenLayer& layer, const std::string& encoding_override);
    /// Looks at one raw string the reader keeps (labels, keys, names, field names).
    void observe(std::string_view raw, std::int64_t row);
    void decide();
    /// The string in UTF-8 (valid UTF-8 whatever the input).
    std::string decode(std::string_view raw) const;
    /// For run_info: "UTF-8 (declared)", "CP1252 (detected: row 12 is not UTF-8)", ...
    const std::string& description() const noexcept { return m_description; }
    /// Set when the encoding was detected as Windows-1252.
    const std::string& warning() const noexcept { return m_warning; }
    /// True once the text is read as other than UTF-8.
    bool recoded() const noexcept { return m_recoded; }

private:
    enum class Mode : std::uint8_t { declared, detect, given };
    Mode m_mode;
    std::optional<Recoder> m_recoder;
    std::int64_t m_bad_row = -1;
    std::string m_bad_text, m_description, m_warning, m_layer;
    bool m_recoded = false;
};

/// Distinct strings in order of first appearance, each with its index: labels and keys are
/// kept once, however many records carry them.
class Interner {
public:
    std::int32_t add(std::string_view s);
    const std::vector<std::string>& values() const noexcept { return m_values; }
    std::size_t size() const noexcept { return m_values.size(); }

private:
    std::unordered_map<std::string, std::int32_t> m_index;
    std::vector<std::string> m_values;
};

/// A field's value as text that stays valid while the feature lives (GetFieldAsString
/// reuses one buffer for every non-string field: two calls overwrite each other).
std::string field_text(OGRFeature& f, int index);

/// Index of a field, matched exactly, then ignoring case, then after decoding the layer's
/// field names from Windows-1252 (a Latin-1 CSV header). Throws InputError naming the file,
/// the role and the fields that exist.
int find_field(OpenLayer& layer, const std::string& name, const std::string& role);

} // namespace vigia::io
