#pragma once
/// \file
/// `vigia info`: what a vector file holds, as an analyst needs it before writing a manifest,
/// and a draft of the manifest's [[city]] entry for it.

#include <string>

namespace vigia::io {

/// Layers, geometry types, CRS, feature counts, extents, the text encoding, and per field its
/// type and what its values look like: times (format, day/month order with its evidence,
/// precision, span; or a time of day), numbers (range, decimal comma), coordinates (the x/y
/// pair and the CRS they suggest, or WKT points), area keys and offence categories. Every
/// layer is read once. Throws InputError when the file cannot be opened.
std::string describe(const std::string& path);

/// A draft `[[city]]` block (TOML, with comments) for the manifest: the incidents table built
/// from the best layer's coordinate pair, time and category columns (or the counts form for a
/// table of records per area), and a boundary placeholder to fill in. `path` is written as
/// given. Throws InputError when the file cannot be opened.
std::string draft_manifest(const std::string& path);

} // namespace vigia::io
