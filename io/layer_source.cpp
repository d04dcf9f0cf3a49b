#include "io/layer_source.hpp"

#include "analysis/error.hpp"

#include <fmt/format.h>

#include <cstring>
#include <stdexcept>

namespace vigia::io {

namespace {

std::string lower(std::string s) {
    for (char& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s;
}

bool is_shapefile_driver(const std::string& d) {
    return d == "ESRI Shapefile";
}

} // namespace

OpenLayer::OpenLayer(const LayerLocation& where) : m_path{where.path}, m_sql{where.sql} {
    // A shapefile's DBF is recoded by GDAL from its .cpg or code page; an explicit encoding
    // is passed on to it, so that its text (and a where on it) is UTF-8.
    std::vector<std::string> options;
    const std::string ext = lower(std::filesystem::path{where.path}.extension().string());
    if (!where.encoding.empty() && (ext == ".shp" || ext == ".dbf"))
        options.push_back("ENCODING=" + where.encoding);
    m_ds = open_vector(where.path, options);
    m_driver = m_ds->GetDriver() ? m_ds->GetDriver()->GetDescription() : "";
    if (!where.sql.empty()) {
        if (!where.layer.empty())
            throw InputError{fmt::format("{}: give layer or sql, not both", where.path)};
        GdalErrorScope errors;
        // A database runs its own SQL (PostgreSQL's); files GDAL's SQLite dialect.
        const char* dialect = m_driver == "PostgreSQL" ? nullptr : "SQLITE";
        m_layer = m_ds->ExecuteSQL(where.sql.c_str(), nullptr, dialect);
        if (!m_layer)
            throw InputError{
                fmt::format("{}: sql = \"{}\" failed: {}", where.path, where.sql,
                            errors.last_error().empty() ? "no result" : errors.last_error())};
        m_query = true;
    } else {
        m_layer = &pick_layer(*m_ds, where.path, where.layer);
    }
    if (m_driver == "CSV") {
        m_undeclared = true;
    } else if (is_shapefile_driver(m_driver) && where.encoding.empty()) {
        const char* enc = m_layer->GetMetadataItem("SOURCE_ENCODING", "SHAPEFILE");
        m_undeclared = !enc || !*enc;
    }
}

OpenLayer::~OpenLayer() {
    if (m_query && m_layer) m_ds->ReleaseResultSet(m_layer);
}

std::string OpenLayer::what() const {
    if (m_query) return fmt::format("sql \"{}\"", m_sql);
    return fmt::format("layer '{}'", m_layer->GetName());
}

std::string OpenLayer::where() const {
    return fmt::format("{} {}", m_path, what());
}

TextPolicy::TextPolicy(const OpenLayer& layer, const std::string& encoding_override)
    : m_mode{!encoding_override.empty()    ? Mode::given
             : layer.encoding_undeclared() ? Mode::detect
                                           : Mode::declared},
      m_layer{layer.where()} {
    if (m_mode == Mode::given) {
        const std::string ext = lower(std::filesystem::path{layer.path()}.extension().string());
        if (ext == ".shp" || ext == ".dbf") {
            // GDAL recoded the DBF already (OpenLayer passed ENCODING on).
            m_recoder.emplace("UTF-8");
            m_description = fmt::format("{} (encoding, recoded by GDAL)", encoding_override);
        } else {
            try {
                m_recoder.emplace(encoding_override);
            } catch (const std::invalid_argument&) {
                throw InputError{fmt::format("{}: encoding = \"{}\" is not an encoding iconv "
                                             "knows (e.g. \"CP1252\", \"ISO-8859-1\", "
                                             "\"UTF-8\")",
                                             m_layer, encoding_override)};
            }
            m_description = fmt::format("{} (encoding)", m_recoder->name());
            m_recoded = m_recoder->name() != "UTF-8";
        }
    } else if (m_mode == Mode::declared) {
        m_recoder.emplace("UTF-8");
        m_description = "UTF-8 (as the format declares)";
    }
}

void TextPolicy::observe(std::string_view raw, std::int64_t row) {
    if (m_mode != Mode::detect || m_bad_row >= 0) return;
    if (!valid_utf8(raw)) {
        m_bad_row = row;
        m_bad_text = cp1252_to_utf8(raw);
    }
}

void TextPolicy::decide() {
    if (m_mode != Mode::detect) return;
    if (m_bad_row < 0) {
        m_recoder.emplace("UTF-8");
        m_description = "UTF-8 (detected)";
        return;
    }
    m_recoder.emplace("CP1252");
    m_recoded = true;
    m_description = fmt::format("CP1252 (detected: {} is not UTF-8)",
                                m_bad_row > 0 ? fmt::format("row {}", m_bad_row) : "the header");
    m_warning = fmt::format(
        "{}: the text is not UTF-8 ({} reads '{}' as Windows-1252): read as "
        "Windows-1252; give encoding = \"...\" if that is wrong",
        m_layer, m_bad_row > 0 ? fmt::format("row {}", m_bad_row) : "the header", m_bad_text);
}

std::string TextPolicy::decode(std::string_view raw) const {
    if (!m_recoder) return Recoder{"UTF-8"}.to_utf8(raw); // not decided: valid UTF-8 at least
    return m_recoder->to_utf8(raw);
}

std::int32_t Interner::add(std::string_view s) {
    auto [it, fresh] =
        m_index.try_emplace(std::string{s}, static_cast<std::int32_t>(m_values.size()));
    if (fresh) m_values.emplace_back(s);
    return it->second;
}

std::string field_text(OGRFeature& f, int index) {
    if (!f.IsFieldSetAndNotNull(index)) return {};
    return f.GetFieldAsString(index);
}

int find_field(OpenLayer& layer, const std::string& name, const std::string& role) {
    OGRFeatureDefn* d = layer.layer().GetLayerDefn();
    for (int i = 0; i < d->GetFieldCount(); ++i)
        if (name == d->GetFieldDefn(i)->GetNameRef()) return i;
    const int i = d->GetFieldIndex(name.c_str()); // case-insensitive
    if (i >= 0) return i;
    const std::string want = lower(name);
    for (int k = 0; k < d->GetFieldCount(); ++k) {
        const std::string raw = d->GetFieldDefn(k)->GetNameRef();
        if (!valid_utf8(raw) && lower(cp1252_to_utf8(raw)) == want) return k;
    }
    std::string fields;
    for (int k = 0; k < d->GetFieldCount(); ++k) {
        const std::string raw = d->GetFieldDefn(k)->GetNameRef();
        fields += (k ? ", " : "") + (valid_utf8(raw) ? raw : cp1252_to_utf8(raw));
    }
    throw InputError{
        fmt::format("{}: no field '{}' for {} (fields: {})", layer.where(), name, role, fields)};
}

} // namespace vigia::io
