#pragma once
/// \file
/// Versions of Vigía and the libraries it computes with, for run_info and --version.

#include <string>

namespace vigia::engine {

std::string vigia_version();
/// "GDAL 3.6.2, GEOS 3.11.1-CAPI-1.17.1, PROJ 9.1.1".
std::string library_versions();
/// The current UTC time as "YYYY-MM-DDTHH:MM:SSZ".
std::string utc_now();

} // namespace vigia::engine
