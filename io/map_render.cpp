#include "io/map_render.hpp"
#include "io/cairo_util.hpp"

#include "io/wkb_rings.hpp"

#include "analysis/error.hpp"
#include "io/gpkg_writer.hpp"

#include <cairo.h>
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <numbers>
#include <numeric>
#include <stdexcept>
#include <unistd.h>
#include <unordered_map>

namespace vigia::io {

namespace fs = std::filesystem;

namespace {

using wkb::Affine;
using wkb::Rings;
using wkb::WkbError;
using wkb::WkbReader;

constexpr const char* kFont = "DejaVu Sans";
constexpr int kMinWidth = 200, kMaxWidth = 16000, kCairoMaxSide = 32767;
constexpr Rgba kInk{0.13, 0.13, 0.13, 1}, kGrey{0.38, 0.38, 0.38, 1}, kFrame{0.62, 0.62, 0.62, 1},
    kWhite{1, 1, 1, 1};

// ---------------------------------------------------------------------------------------------
// Text. The toy API puts the context into an error state on invalid UTF-8 (and every later
// drawing call then does nothing), so every string is repaired before it reaches cairo.

std::string valid_utf8(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        const std::size_t len = c < 0x80                ? 1
                                : c >= 0xC2 && c < 0xE0 ? 2
                                : (c >> 4) == 0xE       ? 3
                                : c >= 0xF0 && c < 0xF5 ? 4
                                                        : 0;
        bool ok = len > 0 && i + len <= s.size();
        for (std::size_t k = 1; ok && k < len; ++k)
            ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
        if (ok && len > 2) { // overlong forms, surrogates, beyond U+10FFFF
            const auto c1 = static_cast<unsigned char>(s[i + 1]);
            ok = !(c == 0xE0 && c1 < 0xA0) && !(c == 0xED && c1 >= 0xA0) &&
                 !(c == 0xF0 && c1 < 0x90) && !(c == 0xF4 && c1 >= 0x90);
        }
        if (ok && len == 1 && c < 0x20) ok = false; // control characters have no glyph
        if (ok) {
            out.append(s.substr(i, len));
            i += len;
        } else {
            out += len == 1 ? " " : "\xEF\xBF\xBD"; // U+FFFD REPLACEMENT CHARACTER
            ++i;
        }
    }
    return out;
}

void set_rgba(cairo_t* cr, const Rgba& c) {
    cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a);
}

/// Fills the current path, then outlines it unless `width` or the stroke's alpha is 0.
void fill_and_stroke(cairo_t* cr, const Rgba& fill, const Rgba& stroke, double width) {
    set_rgba(cr, fill);
    if (width <= 0 || stroke.a <= 0) return cairo_fill(cr);
    cairo_fill_preserve(cr);
    set_rgba(cr, stroke);
    cairo_set_line_width(cr, width);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_stroke(cr);
}

void set_font(cairo_t* cr, double size, bool bold) {
    cairo_select_font_face(cr, kFont, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

double advance(cairo_t* cr, const std::string& s) {
    cairo_text_extents_t e;
    cairo_text_extents(cr, s.c_str(), &e);
    return e.x_advance;
}

/// The font size at which `s` is at most `max_w` wide (never larger than `size`).
double fitted_size(cairo_t* cr, const std::string& s, double size, bool bold, double max_w) {
    set_font(cr, size, bold);
    const double w = advance(cr, s);
    return w > max_w && w > 0 ? size * max_w / w : size;
}

// ---------------------------------------------------------------------------------------------
// Layout: everything placed in pixels before the surface exists (its height depends on it).

struct TextLine {
    std::string text;              ///< valid UTF-8
    double x = 0, y = 0, size = 0; ///< left end of the baseline
    bool bold = false;
    Rgba colour = kInk;
};

struct LegendItem {
    const LegendEntry* entry = nullptr;
    double x = 0, y = 0; ///< top-left of the symbol box
};

struct ScaleBar {
    double length_m = 0, length_px = 0;
    int segments = 4;
    std::string label;
};

struct Layout {
    double u = 1; ///< size unit: 1 at 2000 px wide
    int width = 0, height = 0;
    std::vector<PanelTransform> frames;
    std::vector<TextLine> texts;
    std::vector<LegendItem> legend;
    double symbol_w = 0, symbol_h = 0;
    bool panel_furniture = false; ///< scale bar and arrow inside the (single) panel
    bool footer_scale = false, footer_arrow = false;
    double scale_x = 0, scale_y = 0, arrow_cx = 0, arrow_top = 0;
    ScaleBar scale;
};

ScaleBar make_scale_bar(double mpp, double target_px) {
    ScaleBar s;
    s.length_m = nice_round_length(target_px * mpp);
    s.length_px = s.length_m / mpp;
    const double lead = s.length_m / std::pow(10.0, std::floor(std::log10(s.length_m) + 1e-9));
    s.segments = std::abs(lead - 5) < 1e-6 ? 5 : 4;
    s.label = s.length_m >= 1000 ? fmt::format("{:g} km", s.length_m / 1000)
                                 : fmt::format("{:g} m", s.length_m);
    return s;
}

double scale_bar_height(double u) {
    return 8 * u + 28 * u;
}
double arrow_height(double u) {
    return 66 * u;
}

int auto_columns(std::size_t n, double aspect) {
    if (n <= 1) return 1;
    int best = 1;
    double best_cost = std::numeric_limits<double>::infinity();
    for (std::size_t c = 1; c <= n; ++c) {
        const std::size_t rows = (n + c - 1) / c;
        const double cost =
            std::abs(std::log(static_cast<double>(rows) * aspect / static_cast<double>(c))) +
            0.3 * static_cast<double>(rows * c - n) / static_cast<double>(n);
        if (cost <= best_cost + 1e-9) { // ties: the wider grid
            best_cost = cost;
            best = static_cast<int>(c);
        }
    }
    return best;
}

void validate(const MapDoc& doc, const std::string& where) {
    if (doc.width_px < kMinWidth || doc.width_px > kMaxWidth)
        throw InputError{fmt::format("{}: width {} px is out of range (expected {} to {})", where,
                                     doc.width_px, kMinWidth, kMaxWidth)};
    if (doc.panels.empty()) throw InputError{fmt::format("{}: the map has no panels", where)};
    if (doc.columns < 0)
        throw InputError{fmt::format("{}: columns = {} (expected 0 for automatic, or more)", where,
                                     doc.columns)};
    if (!std::isfinite(doc.metres_per_px) || doc.metres_per_px < 0)
        throw InputError{fmt::format("{}: metres_per_px = {} (expected 0 to fit, or > 0)", where,
                                     doc.metres_per_px)};
    for (std::size_t i = 0; i < doc.panels.size(); ++i) {
        const Bbox& e = doc.panels[i].extent;
        if (!(std::isfinite(e.minx) && std::isfinite(e.miny) && std::isfinite(e.maxx) &&
              std::isfinite(e.maxy) && e.width() > 0 && e.height() > 0))
            throw InputError{fmt::format(
                "{}: panel {} ('{}'): extent ({}, {}, {}, {}) is empty or not finite (expected "
                "minx < maxx and miny < maxy, in metres)",
                where, i + 1, doc.panels[i].title, e.minx, e.miny, e.maxx, e.maxy)};
    }
}

Layout make_layout(const MapDoc& doc, const std::string& where) {
    validate(doc, where);
    SurfacePtr scratch{cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1)};
    ContextPtr owner{cairo_create(scratch.get())};
    cairo_t* cr = owner.get();
    unhinted_metrics(cr);

    Layout L;
    const double W = doc.width_px;
    const double u = std::max(W / 2000, 0.6); // below ~1200 px text would be illegible
    L.u = u;
    L.width = doc.width_px;
    const double margin = std::round(40 * u);
    const double inner = W - 2 * margin;
    double y = margin;

    auto add_line = [&](const std::string& raw, double size, bool bold, Rgba colour,
                        double line_factor) {
        TextLine t{valid_utf8(raw), margin, 0, 0, bold, colour};
        t.size = fitted_size(cr, t.text, size, bold, inner);
        t.y = y + 0.95 * t.size;
        y += line_factor * size;
        L.texts.push_back(std::move(t));
    };
    if (!doc.title.empty()) add_line(doc.title, 46 * u, true, kInk, 1.3);
    if (!doc.subtitle.empty()) add_line(doc.subtitle, 28 * u, false, kGrey, 1.35);
    if (!doc.title.empty() || !doc.subtitle.empty()) y += 16 * u;

    // Panels: a grid of equal frames, one scale for all.
    const std::size_t n = doc.panels.size();
    double max_w = 0, max_h = 0;
    for (const auto& p : doc.panels) {
        max_w = std::max(max_w, p.extent.width());
        max_h = std::max(max_h, p.extent.height());
    }
    const double aspect = std::clamp(max_h / max_w, 0.5, 1.4);
    const int cols =
        doc.columns > 0 ? std::min(doc.columns, static_cast<int>(n)) : auto_columns(n, aspect);
    const auto ucols = static_cast<std::size_t>(cols);
    const std::size_t rows = (n + ucols - 1) / ucols;
    const double gap_h = n > 1 ? std::round(24 * u) : 0, gap_v = std::round(22 * u);
    const double cw = std::floor((inner - (cols - 1) * gap_h) / cols);
    if (cw < 20)
        throw InputError{fmt::format("{}: {} columns do not fit in {} px (frames would be {} px "
                                     "wide); use fewer columns or a wider image",
                                     where, cols, doc.width_px, cw)};
    double mpp = doc.metres_per_px, ch = 0;
    if (mpp > 0) {
        ch = std::floor(std::clamp(max_h / mpp, 0.3 * cw, 1.5 * cw));
    } else {
        ch = std::floor(cw * aspect);
        for (const auto& p : doc.panels)
            mpp = std::max({mpp, p.extent.width() / cw, p.extent.height() / ch});
        mpp *= 1.03; // a little air between the extent and the frame
    }
    const bool any_title = std::any_of(doc.panels.begin(), doc.panels.end(),
                                       [](const MapPanel& p) { return !p.title.empty(); });
    const double title_size = (n > 1 ? 24 : 30) * u;
    const double title_h = any_title ? std::round(1.4 * title_size) : 0;
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t row = i / ucols, col = i % ucols;
        const double top = y + static_cast<double>(row) * (title_h + ch + gap_v);
        PanelTransform t;
        t.metres_per_px = mpp;
        t.centre_x = (doc.panels[i].extent.minx + doc.panels[i].extent.maxx) / 2;
        t.centre_y = (doc.panels[i].extent.miny + doc.panels[i].extent.maxy) / 2;
        t.frame_x = margin + static_cast<double>(col) * (cw + gap_h);
        t.frame_y = top + title_h;
        t.frame_w = cw;
        t.frame_h = ch;
        L.frames.push_back(t);
        if (!doc.panels[i].title.empty()) {
            TextLine tl{valid_utf8(doc.panels[i].title), t.frame_x, 0, 0, true, kInk};
            tl.size = fitted_size(cr, tl.text, title_size, true, cw);
            tl.y = t.frame_y - 0.4 * title_size;
            L.texts.push_back(std::move(tl));
        }
    }
    y += static_cast<double>(rows) * (title_h + ch) + static_cast<double>(rows - 1) * gap_v;

    // Scale bar and north arrow: inside a single panel, else once in the footer.
    L.panel_furniture = n == 1;
    const double scale_target = n == 1 ? 0.22 * cw : std::min(0.8 * cw, 360 * u);
    L.scale = make_scale_bar(mpp, scale_target);
    double block_w = 0, block_h = 0;
    if (n > 1 && (doc.scale_bar || doc.north_arrow)) {
        set_font(cr, 18 * u, false);
        if (doc.scale_bar) {
            L.footer_scale = true;
            block_w += L.scale.length_px + advance(cr, L.scale.label) / 2 + 8 * u;
            block_h = std::max(block_h, scale_bar_height(u));
        }
        if (doc.north_arrow) {
            L.footer_arrow = true;
            block_w += (doc.scale_bar ? 36 * u : 0) + 30 * u;
            block_h = std::max(block_h, arrow_height(u));
        }
    }

    // Legend: a title, then entries flowing left to right, wrapping.
    y += std::round(28 * u);
    const double footer_top = y;
    double legend_bottom = y;
    const bool has_legend = !doc.legend.title.empty() || !doc.legend.entries.empty();
    if (has_legend) {
        const double avail = inner - (block_w > 0 ? block_w + 40 * u : 0);
        double ly = y;
        if (!doc.legend.title.empty()) {
            TextLine t{valid_utf8(doc.legend.title), margin, 0, 0, true, kInk};
            t.size = fitted_size(cr, t.text, 24 * u, true, avail);
            t.y = ly + 0.95 * t.size;
            ly += 1.5 * 24 * u;
            L.texts.push_back(std::move(t));
        }
        L.symbol_w = std::round(40 * u);
        L.symbol_h = std::round(24 * u);
        const double label_size = 21 * u, row_h = std::round(36 * u);
        double x = margin;
        bool row_used = false;
        for (const auto& e : doc.legend.entries) {
            TextLine t{valid_utf8(e.label), 0, 0, 0, false, kInk};
            t.size = fitted_size(cr, t.text, label_size, false, avail - L.symbol_w - 12 * u);
            set_font(cr, t.size, false);
            const double w = L.symbol_w + 12 * u + advance(cr, t.text);
            if (row_used && x + w > margin + avail) {
                x = margin;
                ly += row_h;
            }
            L.legend.push_back({&e, x, ly});
            t.x = x + L.symbol_w + 12 * u;
            t.y = ly + L.symbol_h / 2 + 0.36 * label_size;
            L.texts.push_back(std::move(t));
            x += w + 34 * u;
            row_used = true;
        }
        legend_bottom = ly + (doc.legend.entries.empty() ? 0 : L.symbol_h);
    }
    if (block_w > 0) {
        const double left = margin + inner - block_w;
        L.scale_x = left;
        L.scale_y = footer_top + (block_h - scale_bar_height(u)) / 2;
        L.arrow_cx = margin + inner - 15 * u;
        L.arrow_top = footer_top + (block_h - arrow_height(u)) / 2;
    }
    y = std::max(legend_bottom, footer_top + block_h);
    if (!has_legend && block_w == 0) y = footer_top - std::round(28 * u);

    if (!doc.source.empty()) {
        y += std::round(24 * u);
        add_line(doc.source, 18 * u, false, kGrey, 1.3);
    }
    y += margin;
    const double height = std::ceil(y);
    if (height > kCairoMaxSide)
        throw InputError{fmt::format("{}: the map would be {} px high (at most {}); use more "
                                     "columns or a narrower image",
                                     where, height, kCairoMaxSide)};
    L.height = static_cast<int>(height);
    return L;
}

/// Adds the rings to the current path, exteriors one way round and holes the other, so the
/// nonzero winding rule fills a union of polygons correctly whatever the source orientation.
void add_rings(cairo_t* cr, const Rings& g) {
    std::size_t start = 0;
    for (std::size_t r = 0; r < g.end.size(); ++r) {
        const std::size_t stop = g.end[r];
        std::size_t n = stop - start;
        const double* p = g.xy.data() + 2 * start;
        if (n >= 2 && p[0] == p[2 * (n - 1)] && p[1] == p[2 * (n - 1) + 1]) --n; // closing point
        if (n >= 3) {
            double area2 = 0;
            for (std::size_t i = 0, j = n - 1; i < n; j = i++)
                area2 += (p[2 * j] - p[2 * i]) * (p[2 * j + 1] + p[2 * i + 1]);
            if (area2 != 0) {
                if ((area2 > 0) == (g.exterior[r] != 0)) {
                    cairo_move_to(cr, p[0], p[1]);
                    for (std::size_t i = 1; i < n; ++i)
                        cairo_line_to(cr, p[2 * i], p[2 * i + 1]);
                } else {
                    cairo_move_to(cr, p[2 * (n - 1)], p[2 * (n - 1) + 1]);
                    for (std::size_t i = n - 1; i-- > 0;)
                        cairo_line_to(cr, p[2 * i], p[2 * i + 1]);
                }
                cairo_close_path(cr);
            }
        }
        start = stop;
    }
}

std::uint32_t colour_key(const Rgba& c) {
    auto q = [](double v) {
        return static_cast<std::uint32_t>(std::lround(std::clamp(v, 0.0, 1.0) * 255));
    };
    return q(c.r) << 24 | q(c.g) << 16 | q(c.b) << 8 | q(c.a);
}

struct PanelContext {
    const std::string& where;
    std::size_t index;
    const MapPanel& panel;
    std::string locate() const {
        return fmt::format("{}: panel {}{}", where, index + 1,
                           panel.title.empty() ? "" : fmt::format(" ('{}')", panel.title));
    }
};

void draw_polygons(cairo_t* cr, const PolygonLayer& layer, std::size_t layer_index,
                   const PanelTransform& t, const PanelContext& ctx, Rings& rings) {
    const auto& features = layer.features();
    const std::size_t n = features.size();
    auto layer_name = [&] {
        return fmt::format("polygon layer {}{}", layer_index + 1,
                           layer.name.empty() ? "" : fmt::format(" ('{}')", layer.name));
    };
    if (!layer.fills.empty() && layer.fills.size() != n)
        throw InputError{fmt::format("{}, {}: {} fill colours for {} features (expected one per "
                                     "feature, or none)",
                                     ctx.locate(), layer_name(), layer.fills.size(), n)};
    if (n == 0) return;
    if (n > std::numeric_limits<std::uint32_t>::max())
        throw InputError{fmt::format("{}, {}: too many features", ctx.locate(), layer_name())};

    WkbReader reader{Affine{t}};
    const double pad = layer.stroke_px + 1;
    auto visible = [&](const Rings& g) {
        return !g.end.empty() && g.maxx >= t.frame_x - pad &&
               g.minx <= t.frame_x + t.frame_w + pad && g.maxy >= t.frame_y - pad &&
               g.miny <= t.frame_y + t.frame_h + pad;
    };
    auto add_feature = [&](std::size_t i) {
        try {
            reader.read(features[i], rings);
        } catch (const WkbError& e) {
            throw InputError{
                fmt::format("{}, {}, feature {}: {}", ctx.locate(), layer_name(), i + 1, e.what)};
        }
        if (visible(rings)) add_rings(cr, rings);
    };

    // Fill: one path per colour (features grouped by colour, in order of first appearance).
    std::vector<Rgba> colours{layer.fill};
    std::vector<std::vector<std::uint32_t>> members(1);
    if (layer.fills.empty()) {
        members[0].resize(n);
        std::iota(members[0].begin(), members[0].end(), std::uint32_t{0});
    } else {
        colours.clear();
        members.clear();
        std::unordered_map<std::uint32_t, std::size_t> group_of_key;
        for (std::size_t i = 0; i < n; ++i) {
            const auto [it, fresh] =
                group_of_key.try_emplace(colour_key(layer.fills[i]), colours.size());
            if (fresh) {
                colours.push_back(layer.fills[i]);
                members.emplace_back();
            }
            members[it->second].push_back(static_cast<std::uint32_t>(i));
        }
    }
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
    for (std::size_t g = 0; g < colours.size(); ++g) {
        if (colours[g].a <= 0) continue;
        cairo_new_path(cr);
        for (const std::uint32_t i : members[g])
            add_feature(i);
        set_rgba(cr, colours[g]);
        cairo_fill(cr);
    }

    // Outlines after every fill, so shared edges look the same on both sides.
    if (layer.stroke_px > 0 && layer.stroke.a > 0) {
        cairo_new_path(cr);
        for (std::size_t i = 0; i < n; ++i)
            add_feature(i);
        set_rgba(cr, layer.stroke);
        cairo_set_line_width(cr, layer.stroke_px);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
        cairo_stroke(cr);
    }
}

void add_shape(cairo_t* cr, PointShape shape, double x, double y, double r) {
    constexpr double pi = std::numbers::pi;
    if (shape == PointShape::circle) {
        cairo_new_sub_path(cr);
        cairo_arc(cr, x, y, r, 0, 2 * pi);
        return;
    }
    // Regular polygons on a circumradius R, a vertex up (the square sits on an edge): the
    // square and the diamond have the circle's area, the pentagon nearly; the star alternates
    // outer and inner vertices.
    const bool star = shape == PointShape::star;
    const bool four = shape == PointShape::square || shape == PointShape::diamond;
    const int k = four ? 4 : star ? 10 : shape == PointShape::pentagon ? 5 : 3;
    const double R = four                            ? r * std::sqrt(pi / 2)
                     : star                          ? 1.45 * r
                     : shape == PointShape::pentagon ? 1.15 * r
                                                     : 1.3 * r;
    const double start = shape == PointShape::square ? -pi / 4 : -pi / 2;
    for (int i = 0; i < k; ++i) {
        const double a = start + 2 * pi * i / k, rr = star && i % 2 ? 0.45 * R : R;
        (i == 0 ? cairo_move_to : cairo_line_to)(cr, x + rr * std::cos(a), y + rr * std::sin(a));
    }
    cairo_close_path(cr);
}

void draw_points(cairo_t* cr, const PointLayer& layer, std::size_t layer_index,
                 const PanelTransform& t, const PanelContext& ctx) {
    if (layer.x.size() != layer.y.size())
        throw InputError{fmt::format("{}, point layer {}: {} x and {} y coordinates", ctx.locate(),
                                     layer_index + 1, layer.x.size(), layer.y.size())};
    const Affine a{t};
    const double pad = 1.5 * layer.radius_px + layer.stroke_px;
    cairo_new_path(cr);
    for (std::size_t i = 0; i < layer.x.size(); ++i) {
        if (!std::isfinite(layer.x[i]) || !std::isfinite(layer.y[i])) continue;
        const double px = a.ax + layer.x[i] * a.s, py = a.ay - layer.y[i] * a.s;
        if (px < t.frame_x - pad || px > t.frame_x + t.frame_w + pad || py < t.frame_y - pad ||
            py > t.frame_y + t.frame_h + pad)
            continue;
        add_shape(cr, layer.shape, px, py, layer.radius_px);
    }
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
    fill_and_stroke(cr, layer.fill, layer.stroke, layer.stroke_px);
}

void draw_labels(cairo_t* cr, const std::vector<Label>& labels, const PanelTransform& t, double u) {
    if (labels.empty()) return;
    set_font(cr, 17 * u, false);
    cairo_new_path(cr);
    for (const auto& l : labels) {
        if (!std::isfinite(l.x) || !std::isfinite(l.y)) continue;
        const std::string text = valid_utf8(l.text);
        cairo_text_extents_t e;
        cairo_text_extents(cr, text.c_str(), &e);
        const auto [px, py] = t.to_pixel(l.x, l.y);
        cairo_move_to(cr, px - e.x_bearing - e.width / 2, py - e.y_bearing - e.height / 2);
        cairo_text_path(cr, text.c_str());
    }
    // Every halo first, then every text: a halo never covers a neighbour's letters.
    set_rgba(cr, Rgba{1, 1, 1, 0.9});
    cairo_set_line_width(cr, 3.5 * u);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_stroke_preserve(cr);
    set_rgba(cr, kInk);
    cairo_fill(cr);
}

void draw_scale_bar(cairo_t* cr, const ScaleBar& s, double x, double y, double u, bool backing) {
    const double bar_h = 8 * u, size = 18 * u;
    set_font(cr, size, false);
    const double label_w = advance(cr, s.label);
    if (backing) {
        set_rgba(cr, Rgba{1, 1, 1, 0.85});
        cairo_rectangle(cr, x - 10 * u, y - 8 * u, s.length_px + label_w / 2 + 20 * u,
                        scale_bar_height(u) + 10 * u);
        cairo_fill(cr);
    }
    const double seg = s.length_px / s.segments;
    for (int i = 0; i < s.segments; ++i) {
        cairo_rectangle(cr, x + i * seg, y, seg, bar_h);
        set_rgba(cr, i % 2 ? kWhite : kInk);
        cairo_fill(cr);
    }
    cairo_rectangle(cr, x, y, s.length_px, bar_h);
    set_rgba(cr, kInk);
    cairo_set_line_width(cr, std::max(1.0, u));
    cairo_stroke(cr);
    const double base = y + bar_h + 0.95 * size + 2 * u;
    cairo_move_to(cr, x - advance(cr, "0") / 2, base);
    cairo_show_text(cr, "0");
    cairo_move_to(cr, x + s.length_px - label_w / 2, base);
    cairo_show_text(cr, s.label.c_str());
}

void draw_north_arrow(cairo_t* cr, double cx, double top, double u, bool backing) {
    const double size = 22 * u, w = 12 * u;
    const double tip = top + size + 4 * u, base = top + arrow_height(u), notch = base - 12 * u;
    if (backing) {
        set_rgba(cr, Rgba{1, 1, 1, 0.85});
        cairo_rectangle(cr, cx - w - 8 * u, top - 6 * u, 2 * w + 16 * u, arrow_height(u) + 12 * u);
        cairo_fill(cr);
    }
    set_font(cr, size, true);
    cairo_text_extents_t e;
    cairo_text_extents(cr, "N", &e);
    set_rgba(cr, kInk);
    cairo_move_to(cr, cx - e.x_bearing - e.width / 2, top - e.y_bearing);
    cairo_show_text(cr, "N");
    cairo_move_to(cr, cx, tip);
    cairo_line_to(cr, cx - w, base);
    cairo_line_to(cr, cx, notch);
    cairo_close_path(cr);
    cairo_fill(cr);
    cairo_move_to(cr, cx, tip);
    cairo_line_to(cr, cx + w, base);
    cairo_line_to(cr, cx, notch);
    cairo_close_path(cr);
    fill_and_stroke(cr, kWhite, kInk, std::max(1.0, 1.2 * u));
}

void draw_legend_symbol(cairo_t* cr, const LegendEntry& e, double x, double y, double w, double h,
                        double u) {
    cairo_new_path(cr);
    switch (e.kind) {
    case LegendKind::patch:
        cairo_rectangle(cr, x, y, w, h);
        return fill_and_stroke(cr, e.fill, e.stroke, e.stroke_px);
    case LegendKind::point:
        add_shape(cr, e.shape, x + w / 2, y + h / 2, 9 * u);
        return fill_and_stroke(cr, e.fill, e.stroke, e.stroke_px);
    case LegendKind::line:
        cairo_move_to(cr, x, y + h / 2);
        cairo_line_to(cr, x + w, y + h / 2);
        set_rgba(cr, e.stroke);
        cairo_set_line_width(cr, std::max(e.stroke_px, 0.5));
        cairo_stroke(cr);
        return;
    }
}

void draw(cairo_t* cr, const MapDoc& doc, const Layout& L, const std::string& where) {
    unhinted_metrics(cr);
    set_rgba(cr, kWhite);
    cairo_paint(cr);
    const double u = L.u;
    Rings rings;
    for (std::size_t i = 0; i < doc.panels.size(); ++i) {
        const MapPanel& panel = doc.panels[i];
        const PanelTransform& t = L.frames[i];
        const PanelContext ctx{where, i, panel};
        cairo_save(cr);
        cairo_rectangle(cr, t.frame_x, t.frame_y, t.frame_w, t.frame_h);
        cairo_clip(cr);
        for (std::size_t k = 0; k < panel.polygons.size(); ++k)
            draw_polygons(cr, panel.polygons[k], k, t, ctx, rings);
        for (std::size_t k = 0; k < panel.points.size(); ++k)
            draw_points(cr, panel.points[k], k, t, ctx);
        draw_labels(cr, panel.labels, t, u);
        if (L.panel_furniture) {
            if (doc.scale_bar)
                draw_scale_bar(cr, L.scale, t.frame_x + std::round(28 * u),
                               t.frame_y + t.frame_h - std::round(22 * u) - scale_bar_height(u), u,
                               true);
            if (doc.north_arrow)
                draw_north_arrow(cr, t.frame_x + t.frame_w - std::round(40 * u),
                                 t.frame_y + std::round(24 * u), u, true);
        }
        cairo_restore(cr);
        const double lw = std::max(1.0, std::round(u));
        cairo_rectangle(cr, t.frame_x + lw / 2, t.frame_y + lw / 2, t.frame_w - lw, t.frame_h - lw);
        set_rgba(cr, kFrame);
        cairo_set_line_width(cr, lw);
        cairo_stroke(cr);
    }
    for (const auto& item : L.legend)
        draw_legend_symbol(cr, *item.entry, item.x, item.y, L.symbol_w, L.symbol_h, u);
    for (const auto& t : L.texts) {
        set_font(cr, t.size, t.bold);
        set_rgba(cr, t.colour);
        cairo_move_to(cr, t.x, t.y);
        cairo_show_text(cr, t.text.c_str());
    }
    if (L.footer_scale) draw_scale_bar(cr, L.scale, L.scale_x, L.scale_y, u, false);
    if (L.footer_arrow) draw_north_arrow(cr, L.arrow_cx, L.arrow_top, u, false);
}

/// Removes the temporary file unless released.
struct TemporaryFile {
    fs::path path;
    bool keep = false;
    explicit TemporaryFile(fs::path p) : path{std::move(p)} {}
    ~TemporaryFile() {
        std::error_code ec;
        if (!keep) fs::remove(path, ec);
    }
    TemporaryFile(const TemporaryFile&) = delete;
    TemporaryFile& operator=(const TemporaryFile&) = delete;
};

} // namespace

Rgba parse_colour(std::string_view hex) {
    auto digit = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    const bool shape_ok = (hex.size() == 7 || hex.size() == 9) && hex[0] == '#';
    double channel[4] = {0, 0, 0, 1};
    for (std::size_t k = 0; shape_ok && 1 + 2 * k < hex.size(); ++k) {
        const int hi = digit(hex[1 + 2 * k]), lo = digit(hex[2 + 2 * k]);
        if (hi < 0 || lo < 0)
            throw InputError{fmt::format("colour '{}': '{}{}' is not a hex number (expected "
                                         "#rrggbb or #rrggbbaa)",
                                         hex, hex[1 + 2 * k], hex[2 + 2 * k])};
        channel[k] = (hi * 16 + lo) / 255.0;
    }
    if (!shape_ok) throw InputError{fmt::format("colour '{}': expected #rrggbb or #rrggbbaa", hex)};
    return {channel[0], channel[1], channel[2], channel[3]};
}

LegendEntry LegendEntry::patch(Rgba fill, std::string label) {
    return {.kind = LegendKind::patch, .fill = fill, .label = std::move(label)};
}

LegendEntry LegendEntry::point(Rgba fill, PointShape shape, std::string label) {
    return {.kind = LegendKind::point,
            .fill = fill,
            .stroke = kWhite,
            .shape = shape,
            .label = std::move(label)};
}

LegendEntry LegendEntry::line(Rgba colour, double width_px, std::string label) {
    return {.kind = LegendKind::line,
            .stroke = colour,
            .stroke_px = width_px,
            .label = std::move(label)};
}

double nice_round_length(double at_most_m) {
    if (!(at_most_m > 0) || !std::isfinite(at_most_m))
        throw InputError{
            fmt::format("scale bar: length {} m (expected a positive number)", at_most_m)};
    const double base = std::pow(10.0, std::floor(std::log10(at_most_m)));
    for (const double m : {10.0, 5.0, 2.0, 1.0}) // 10: when log10 rounded down one too far
        if (m * base <= at_most_m * (1 + 1e-12)) return m * base;
    return base / 2; // log10 rounded up: base is just above at_most_m
}

PanelTransform panel_transform(const MapDoc& doc, std::size_t panel) {
    const Layout layout = make_layout(doc, "map");
    if (panel >= layout.frames.size())
        throw std::out_of_range{fmt::format("map: panel {} of {}", panel, layout.frames.size())};
    return layout.frames[panel];
}

void render_png(const MapDoc& doc, const fs::path& path, bool overwrite) {
    check_can_write(path, overwrite);
    const std::string where = path.string();
    const Layout layout = make_layout(doc, where);

    SurfacePtr surface{cairo_image_surface_create(CAIRO_FORMAT_RGB24, layout.width, layout.height)};
    if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS)
        throw IoError{fmt::format("{}: cannot allocate a {} × {} px image: {}", where, layout.width,
                                  layout.height,
                                  cairo_status_to_string(cairo_surface_status(surface.get())))};
    {
        ContextPtr cr{cairo_create(surface.get())};
        draw(cr.get(), doc, layout, where);
        if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS)
            throw IoError{fmt::format("{}: drawing failed: {}", where,
                                      cairo_status_to_string(cairo_status(cr.get())))};
    }
    cairo_surface_flush(surface.get());

    std::error_code ec;
    if (path.has_parent_path()) fs::create_directories(path.parent_path(), ec);
    if (ec)
        throw IoError{fmt::format("{}: cannot create the directory: {}",
                                  path.parent_path().string(), ec.message())};
    static std::atomic<unsigned> serial{0};
    TemporaryFile tmp{path.parent_path() / fmt::format(".{}.partial-{}-{}.png",
                                                       path.stem().string(),
                                                       static_cast<long>(getpid()), serial++)};
    write_png(surface.get(), tmp.path, where);
    check_can_write(path, overwrite); // someone may have created it meanwhile
    fs::rename(tmp.path, path, ec);
    if (ec)
        throw IoError{fmt::format("{}: cannot rename {} into place: {}", where, tmp.path.string(),
                                  ec.message())};
    tmp.keep = true;
}

} // namespace vigia::io
