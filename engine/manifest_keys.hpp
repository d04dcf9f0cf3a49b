#pragma once
/// \file
/// Every manifest key, declared once (GDAL 3.11's declared arguments): its table, type, range
/// or choices, default, help and run_info echo. The reader (engine/manifest.cpp), the
/// allowed lists of its messages, the run_info echoes and the README's key tables all come
/// from these declarations; a test compares the README with manifest_keys_markdown().

#include "engine/manifest.hpp"

#include <string>
#include <utility>
#include <vector>

namespace vigia::engine {

/// One key as the README documents it.
struct KeyDoc {
    std::string table;    ///< "[analysis]", "[[city]] incidents (points)", …
    std::string key;      ///< "cell_size_m"
    std::string type;     ///< "number", "string", "path", "table", …
    std::string rule;     ///< range or choices ("> 0", "\"hex\", \"square\""), or ""
    std::string fallback; ///< the default ("250"), "required" or ""
    std::string help;
    std::string echo; ///< its run_info key ("" when not echoed)
};

/// Every declared key, table by table in the README's order.
std::vector<KeyDoc> manifest_key_docs();

/// The README's key tables: one markdown table per TOML table.
std::string manifest_keys_markdown();

/// The run_info entries that echo the manifest's parameters for `city` (the [analysis] and
/// [publish] tables and the city's input tables), as declared.
std::vector<std::pair<std::string, std::string>> manifest_echo(const Manifest& m,
                                                               const CityConfig& city);

} // namespace vigia::engine
