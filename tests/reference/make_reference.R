#!/usr/bin/env Rscript
# Regenerates every reference fixture in tests/reference/ from scratch.
#
#   Rscript tests/reference/make_reference.R        (from the repository root)
#
# Uses spdep (localG, localmoran, moran.test, globalG.test) and spatstat
# (clarkevans, clarkevans.test, density.ppp, densityfun.ppp). Deterministic:
# every data set draws from its own fixed seed. Besides writing the fixtures,
# the script recomputes every statistic from the closed-form formulas in
# README.md and stops if spdep/spatstat disagree; the comparisons are logged
# in checks.txt. See README.md for the files, columns and conventions.

suppressPackageStartupMessages({
  library(spdep)
  library(sf)
  library(spatstat.geom)
  library(spatstat.explore)
})

RNGkind("Mersenne-Twister", "Inversion", "Rejection")
options(warn = 1)

# Output folder: the folder holding this script (fallback: run from repo root).
out_dir <- local({
  a <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(a)) dirname(normalizePath(sub("^--file=", "", a[1]))) else "tests/reference"
})

# ---------------------------------------------------------------- helpers --

fmt_col <- function(v) {
  if (is.factor(v)) v <- as.character(v)
  if (!is.double(v)) return(as.character(v))
  # shortest of 15/16/17 significant digits that reads back as the same double
  s <- sprintf("%.17g", v)
  for (d in c(16, 15)) {
    t <- sprintf(paste0("%.", d, "g"), v)
    ok <- !is.na(v) & is.finite(v) & suppressWarnings(as.numeric(t)) == v
    s[ok] <- t[ok]
  }
  s[is.nan(v)] <- "NaN"
  s[is.na(v) & !is.nan(v)] <- "NA"
  s
}

write_ref <- function(df, name) {
  d <- lapply(df, fmt_col)
  for (nm in intersect(names(d), c("wkt", "note")))      # the only text fields with commas
    d[[nm]] <- paste0('"', gsub('"', '""', d[[nm]]), '"')
  lines <- c(paste(names(df), collapse = ","), do.call(paste, c(unname(d), sep = ",")))
  writeLines(lines, file.path(out_dir, name))
  back <- read.csv(file.path(out_dir, name), stringsAsFactors = FALSE)   # exact round trip?
  for (nm in names(df)) if (is.numeric(df[[nm]]))
    stopifnot(identical(as.numeric(back[[nm]]), as.numeric(df[[nm]])))
}

check_log <- character(0)
logline <- function(...) check_log <<- c(check_log, paste0(...))

reldiff <- function(a, b) {
  a <- as.numeric(a); b <- as.numeric(b)
  both_nan <- is.nan(a) & is.nan(b)
  d <- abs(a - b) / pmax(abs(a), abs(b), .Machine$double.xmin)
  d[a == b] <- 0
  d[both_nan] <- 0
  d[xor(is.nan(a), is.nan(b))] <- Inf
  max(d)
}

chk <- function(what, a, b, tol = 1e-10) {
  r <- reldiff(a, b)
  logline(sprintf("%-62s max rel diff %.3g (tol %.0e)", what, r, tol))
  if (!(r <= tol)) stop("check failed: ", what, " (", r, ")")
  invisible(r)
}

# nb object from a list of integer vectors (1-based; empty = no neighbour).
make_nb <- function(lst) {
  lst <- lapply(lst, function(v) if (length(v) == 0) 0L else sort(as.integer(v)))
  class(lst) <- "nb"
  attr(lst, "region.id") <- as.character(seq_along(lst))
  attr(lst, "type") <- "custom"
  attr(lst, "sym") <- is.symmetric.nb(lst, verbose = FALSE, force = TRUE)
  lst
}
nb_list <- function(nb) lapply(nb, function(v) as.integer(v[v > 0]))
same_nb <- function(a, b) {
  length(a) == length(b) &&
    all(mapply(function(x, y) identical(sort(x), sort(y)), nb_list(a), nb_list(b)))
}
nb_pairs <- function(nb) {
  l <- nb_list(nb)
  data.frame(i = rep(seq_along(l), lengths(l)), j = unlist(l))
}
write_nb <- function(nb, name) write_ref(nb_pairs(nb), name)

# Dense weight matrix (rows = i) from an nb list: binary or row-standardised.
wmat <- function(nb, style) {
  l <- nb_list(nb); n <- length(l)
  W <- matrix(0, n, n)
  for (i in seq_len(n)) if (length(l[[i]])) W[i, l[[i]]] <- if (style == "W") 1 / length(l[[i]]) else 1
  W
}

# ------------------------------------------------- independent formulas --
# These are the formulas documented in README.md, written from scratch.

f_gistar <- function(x, nb) {                      # Gi*: self included, binary
  n <- length(x); xbar <- mean(x); S <- sqrt(sum(x^2) / n - xbar^2)
  l <- nb_list(nb)
  sapply(seq_len(n), function(i) {
    J <- c(i, l[[i]]); Wi <- length(J); S1i <- Wi
    (sum(x[J]) - xbar * Wi) / (S * sqrt((n * S1i - Wi^2) / (n - 1)))
  })
}
f_gi <- function(x, nb) {                          # Gi: self excluded, binary
  n <- length(x); l <- nb_list(nb)
  sapply(seq_len(n), function(i) {
    J <- l[[i]]; Wi <- length(J); S1i <- Wi
    xb <- (sum(x) - x[i]) / (n - 1)
    s2 <- (sum(x^2) - x[i]^2) / (n - 1) - xb^2
    (sum(x[J]) - xb * Wi) / sqrt(s2 * ((n - 1) * S1i - Wi^2) / (n - 2))
  })
}
f_lisa <- function(x, nb) {                        # localmoran, W style
  n <- length(x); z <- x - mean(x); m2 <- sum(z^2) / n; l <- nb_list(nb)
  k <- lengths(l)
  lz <- sapply(l, function(J) if (length(J)) mean(z[J]) else 0)
  Wi <- ifelse(k > 0, 1, 0); Wi2 <- ifelse(k > 0, 1 / pmax(k, 1), 0)
  Ii <- z * lz / m2
  Ec <- -(z^2 * Wi) / ((n - 1) * m2)
  Vc <- (z / m2)^2 * (n / (n - 2)) * (Wi2 - Wi^2 / (n - 1)) * (m2 - z^2 / (n - 1))
  b2 <- (sum(z^4) / n) / m2^2
  A <- (n - b2) / (n - 1); B <- (2 * b2 - n) / ((n - 1) * (n - 2))
  Et <- -Wi / (n - 1)
  Vt <- A * Wi2 + B * (Wi^2 - Wi2) - Et^2
  list(Ii = Ii, Ec = Ec, Vc = Vc, Zc = (Ii - Ec) / sqrt(Vc),
       Et = Et, Vt = Vt, Zt = (Ii - Et) / sqrt(Vt))
}
f_wconst <- function(W) {
  k <- rowSums(W != 0)
  list(n = sum(k > 0), S0 = sum(W), S1 = 0.5 * sum((W + t(W))^2),
       S2 = sum((rowSums(W) + colSums(W))^2))
}
f_moran <- function(x, W, randomisation = TRUE) {
  wc <- f_wconst(W); n <- wc$n; S0 <- wc$S0; S1 <- wc$S1; S2 <- wc$S2
  z <- x - mean(x)
  I <- (n / S0) * sum(z * (W %*% z)) / sum(z^2)
  EI <- -1 / (n - 1)
  if (randomisation) {
    K <- length(x) * sum(z^4) / sum(z^2)^2
    VI <- (n * ((n^2 - 3 * n + 3) * S1 - n * S2 + 3 * S0^2) -
             K * ((n^2 - n) * S1 - 2 * n * S2 + 6 * S0^2)) /
      ((n - 1) * (n - 2) * (n - 3) * S0^2) - EI^2
  } else {
    VI <- (n^2 * S1 - n * S2 + 3 * S0^2) / (S0^2 * (n^2 - 1)) - EI^2
  }
  c(I = I, EI = EI, VI = VI, Z = (I - EI) / sqrt(VI))
}
f_globalG <- function(x, W) {                      # W binary
  wc <- f_wconst(W); n <- wc$n; S0 <- wc$S0; S1 <- wc$S1; S2 <- wc$S2
  ax <- x[rowSums(W != 0) > 0]                     # adjust.x = TRUE
  G <- sum(x * (W %*% x)) / (sum(ax)^2 - sum(ax^2))
  EG <- S0 / (n * (n - 1))
  B0 <- (n^2 - 3 * n + 3) * S1 - n * S2 + 3 * S0^2
  B1 <- -((n^2 - n) * S1 - 2 * n * S2 + 6 * S0^2)
  B2 <- -(2 * n * S1 - (n + 3) * S2 + 6 * S0^2)
  B3 <- 4 * (n - 1) * S1 - 2 * (n + 1) * S2 + 8 * S0^2
  B4 <- S1 - S2 + S0^2
  s1 <- sum(ax); s2 <- sum(ax^2); s3 <- sum(ax^3); s4 <- sum(ax^4)
  VG <- (B0 * s2^2 + B1 * s4 + B2 * s1^2 * s2 + B3 * s1 * s3 + B4 * s1^4) /
    ((s1^2 - s2)^2 * n * (n - 1) * (n - 2) * (n - 3)) - EG^2
  c(G = G, EG = EG, VG = VG, Z = (G - EG) / sqrt(VG))
}

# ------------------------------------------------ local statistics table --

local_table <- function(x, nb, tag) {
  n <- length(x)
  lw_star <- nb2listw(include.self(nb), style = "B", zero.policy = TRUE)
  gs <- localG(x, lw_star, zero.policy = TRUE, return_internals = TRUE)
  gsi <- attr(gs, "internals")
  lw_b <- nb2listw(nb, style = "B", zero.policy = TRUE)
  g <- localG(x, lw_b, zero.policy = TRUE, return_internals = TRUE)
  gi <- attr(g, "internals")
  lw_w <- nb2listw(nb, style = "W", zero.policy = TRUE)
  lm <- localmoran(x, lw_w, zero.policy = TRUE)      # defaults: conditional=TRUE, mlvar=TRUE
  lmt <- localmoran(x, lw_w, zero.policy = TRUE, conditional = FALSE)
  quad <- as.character(attr(lm, "quadr")$mean)
  df <- data.frame(
    id = seq_len(n), count = x, n_neighbours = card(nb),
    gistar_G = gsi[, 1], gistar_EG = gsi[, 2], gistar_VG = gsi[, 3],
    gistar_z = as.numeric(gs), gistar_p = gsi[, 5],
    gi_z = as.numeric(g), gi_p = gi[, 5],
    lisa_Ii = lm[, 1], lisa_EIi = lm[, 2], lisa_VarIi = lm[, 3],
    lisa_ZIi = lm[, 4], lisa_p = lm[, 5],
    lisa_EIi_total = lmt[, 2], lisa_VarIi_total = lmt[, 3],
    lisa_ZIi_total = lmt[, 4], lisa_p_total = lmt[, 5],
    lisa_quadrant = quad, stringsAsFactors = FALSE)
  # independent recomputation
  chk(paste0(tag, ": Gi* z vs formula"), df$gistar_z, f_gistar(x, nb))
  chk(paste0(tag, ": Gi* p = 2*pnorm(-|z|)"), df$gistar_p, 2 * pnorm(-abs(df$gistar_z)))
  chk(paste0(tag, ": Gi z vs formula"), df$gi_z, f_gi(x, nb))
  L <- f_lisa(x, nb)
  chk(paste0(tag, ": local Moran Ii vs formula"), df$lisa_Ii, L$Ii)
  chk(paste0(tag, ": local Moran E.Ii (conditional) vs formula"), df$lisa_EIi, L$Ec)
  chk(paste0(tag, ": local Moran Var.Ii (conditional) vs formula"), df$lisa_VarIi, L$Vc)
  chk(paste0(tag, ": local Moran Z.Ii (conditional) vs formula"), df$lisa_ZIi, L$Zc)
  chk(paste0(tag, ": local Moran Var.Ii (total) vs formula"), df$lisa_VarIi_total, L$Vt)
  chk(paste0(tag, ": local Moran Z.Ii (total) vs formula"), df$lisa_ZIi_total, L$Zt)
  df
}

# ----------------------------------------------- global statistics rows --

global_rows <- list()
global_stats <- function(x, nb, dataset, weights) {
  add <- function(row) global_rows[[length(global_rows) + 1]] <<- row
  run <- function(expr) {                      # keep the value, record warnings/errors
    notes <- character(0)
    v <- tryCatch(withCallingHandlers(expr, warning = function(w) {
      notes <<- c(notes, paste("warning:", gsub("\\s+", " ", conditionMessage(w))))
      invokeRestart("muffleWarning")
    }), error = function(e) {
      notes <<- c(notes, paste("error:", gsub("\\s+", " ", conditionMessage(e))))
      NULL
    })
    list(v = v, note = paste(notes, collapse = "; "))
  }
  for (style in c("W", "B")) {
    lw <- nb2listw(nb, style = style, zero.policy = TRUE)
    wc <- spweights.constants(lw, zero.policy = TRUE)
    W <- wmat(nb, style)
    for (rand in c(TRUE, FALSE)) {
      g <- run(moran.test(x, lw, randomisation = rand, zero.policy = TRUE))          # alternative="greater" (default)
      t2 <- run(moran.test(x, lw, randomisation = rand, zero.policy = TRUE, alternative = "two.sided"))
      if (is.null(g$v)) {
        vals <- rep(NaN, 6)
      } else {
        vals <- c(g$v$estimate, g$v$statistic, g$v$p.value, t2$v$p.value)
        f <- f_moran(x, W, rand)
        chk(sprintf("%s/%s: moran.test %s %s vs formula", dataset, weights, style,
                    if (rand) "randomisation" else "normality"), vals[1:4], f)
        chk(sprintf("%s/%s: moran.test %s two-sided p", dataset, weights, style),
            vals[6], 2 * pnorm(-abs(vals[4])))
      }
      add(data.frame(dataset = dataset, weights = weights, statistic = "moran_I",
                     weights_style = style,
                     assumption = if (rand) "randomisation" else "normality",
                     n = wc$n, S0 = wc$S0, S1 = wc$S1, S2 = wc$S2,
                     value = vals[1], expectation = vals[2], variance = vals[3],
                     z = vals[4], p_greater = vals[5], p_two_sided = vals[6],
                     note = paste(unique(c(g$note, t2$note)), collapse = " "),
                     stringsAsFactors = FALSE))
    }
  }
  lw <- nb2listw(nb, style = "B", zero.policy = TRUE)
  wc <- spweights.constants(lw, zero.policy = TRUE)
  g <- run(globalG.test(x, lw, zero.policy = TRUE))                                     # alternative="greater" (default)
  t2 <- run(globalG.test(x, lw, zero.policy = TRUE, alternative = "two.sided"))
  if (is.null(g$v)) {
    vals <- rep(NaN, 6)
  } else {
    vals <- c(g$v$estimate, g$v$statistic, g$v$p.value, t2$v$p.value)
    chk(sprintf("%s/%s: globalG.test B vs formula", dataset, weights),
        vals[1:4], f_globalG(x, wmat(nb, "B")))
  }
  add(data.frame(dataset = dataset, weights = weights, statistic = "general_G",
                 weights_style = "B", assumption = "randomisation",
                 n = wc$n, S0 = wc$S0, S1 = wc$S1, S2 = wc$S2,
                 value = vals[1], expectation = vals[2], variance = vals[3],
                 z = vals[4], p_greater = vals[5], p_two_sided = vals[6],
                 note = paste(unique(c(g$note, t2$note)), collapse = " "),
                 stringsAsFactors = FALSE))
}

# ======================================================== 1. 10x10 lattice --

cell <- 100                                       # metres
lat <- expand.grid(col = 0:9, row = 0:9)          # col varies fastest: id = row*10+col+1
lat <- data.frame(id = lat$row * 10L + lat$col + 1L, row = lat$row, col = lat$col)
lat$x <- (lat$col + 0.5) * cell
lat$y <- (lat$row + 0.5) * cell
set.seed(101)
cnt <- rpois(100, 1.5)
hot <- lat$row %in% 6:8 & lat$col %in% 1:3
cnt[hot] <- rpois(sum(hot), 9)
cnt[lat$row == 7 & lat$col == 2] <- 16L
cold <- lat$row %in% 0:2 & lat$col %in% 6:9
cnt[cold] <- 0L
lat$count <- cnt
stopifnot(identical(lat$id, 1:100))
write_ref(lat, "lattice10_cells.csv")

queen_rule <- function(rows, cols, nr, nc) {
  lapply(seq_along(rows), function(k) {
    r <- rows[k]; c <- cols[k]
    nbrs <- integer(0)
    for (dr in -1:1) for (dc in -1:1) {
      if (dr == 0 && dc == 0) next
      rr <- r + dr; cc <- c + dc
      if (rr >= 0 && rr < nr && cc >= 0 && cc < nc) nbrs <- c(nbrs, rr * nc + cc + 1L)
    }
    nbrs
  })
}
coords <- cbind(lat$x, lat$y)
nb_queen <- make_nb(queen_rule(lat$row, lat$col, 10, 10))
nb_queen_d <- dnearneigh(coords, 0, 1.5 * cell, use_kd_tree = FALSE)
stopifnot(same_nb(nb_queen, nb_queen_d))
logline("lattice10 queen rule == dnearneigh(coords, 0, 150): TRUE")
sq <- lapply(seq_len(nrow(lat)), function(k) {
  x0 <- lat$col[k] * cell; y0 <- lat$row[k] * cell
  st_polygon(list(rbind(c(x0, y0), c(x0 + cell, y0), c(x0 + cell, y0 + cell), c(x0, y0 + cell), c(x0, y0))))
})
stopifnot(same_nb(nb_queen, poly2nb(st_sfc(sq), queen = TRUE)))
logline("lattice10 queen rule == poly2nb(square cells, queen=TRUE): TRUE")
write_nb(nb_queen, "lattice10_nb_queen.csv")

knn <- knearneigh(coords, k = 4, use_kd_tree = FALSE)
nb_knn4 <- knn2nb(knn, sym = FALSE)
write_nb(nb_knn4, "lattice10_nb_knn4.csv")
# tie rule observed: among equidistant candidates, the lower id is taken first
knn_rule <- lapply(seq_len(nrow(coords)), function(i) {
  d <- sqrt((coords[, 1] - coords[i, 1])^2 + (coords[, 2] - coords[i, 2])^2)
  o <- order(d, seq_along(d)); o <- o[o != i]
  o[1:4]
})
logline("lattice10 knn4 == order(distance, id)[1:4]: ",
        same_nb(nb_knn4, make_nb(knn_rule)))
logline("lattice10 knn4 symmetric: ", is.symmetric.nb(nb_knn4, verbose = FALSE, force = TRUE))

dband <- 2.1 * cell
nb_dband <- dnearneigh(coords, 0, dband, use_kd_tree = FALSE)
write_nb(nb_dband, "lattice10_nb_dband210.csv")
logline("lattice10 dband210 neighbour counts: ", paste(range(card(nb_dband)), collapse = "..")) 

write_ref(local_table(lat$count, nb_queen, "lattice10/queen"), "lattice10_local_queen.csv")
write_ref(local_table(lat$count, nb_dband, "lattice10/dband210"), "lattice10_local_dband210.csv")
global_stats(lat$count, nb_queen, "lattice10", "queen")
global_stats(lat$count, nb_knn4, "lattice10", "knn4")
global_stats(lat$count, nb_dband, "lattice10", "dband210")

# ===================================================== 2. 7x7 hex lattice --
# Pointy-top hexagons, odd-r offset (odd rows shifted right by half a cell),
# row 0 at the bottom; id = row*7 + col + 1; centre spacing w = 100 m.

w <- 100
hx <- expand.grid(col = 0:6, row = 0:6)
hx <- data.frame(id = hx$row * 7L + hx$col + 1L, row = hx$row, col = hx$col)
hx$x <- hx$col * w + ifelse(hx$row %% 2 == 1, w / 2, 0) + w / 2
hx$y <- hx$row * w * sqrt(3) / 2 + w / 2
hex_rule <- function(r, c, nr, nc) {
  offs <- if (r %% 2 == 0) {
    list(c(0, -1), c(0, 1), c(-1, -1), c(-1, 0), c(1, -1), c(1, 0))
  } else {
    list(c(0, -1), c(0, 1), c(-1, 0), c(-1, 1), c(1, 0), c(1, 1))
  }
  v <- integer(0)
  for (o in offs) {
    rr <- r + o[1]; cc <- c + o[2]
    if (rr >= 0 && rr < nr && cc >= 0 && cc < nc) v <- c(v, rr * nc + cc + 1L)
  }
  v
}
nb_hex <- make_nb(lapply(seq_len(nrow(hx)), function(k) hex_rule(hx$row[k], hx$col[k], 7, 7)))
stopifnot(same_nb(nb_hex, dnearneigh(cbind(hx$x, hx$y), 0, 1.01 * w, use_kd_tree = FALSE)))
logline("hex7 odd-r rule == dnearneigh(centres, 0, 1.01*w): TRUE")
hexpoly <- function(cx, cy) {                     # pointy-top, circumradius w/sqrt(3)
  s <- w / sqrt(3); a <- pi / 180 * (60 * (0:5) + 30)
  p <- cbind(cx + s * cos(a), cy + s * sin(a)); st_polygon(list(rbind(p, p[1, ])))
}
nb_hex_poly <- poly2nb(st_sfc(lapply(seq_len(nrow(hx)), function(k) hexpoly(hx$x[k], hx$y[k]))),
                       queen = TRUE, snap = 1e-6)
stopifnot(same_nb(nb_hex, nb_hex_poly))
logline("hex7 odd-r rule == poly2nb(hexagon polygons, queen=TRUE, snap=1e-6): TRUE")
set.seed(202)
hc <- rpois(49, 1.2)
hot <- c(4 * 7 + 4 + 1, hex_rule(4, 4, 7, 7))      # cell (row 4, col 4) and its 6 neighbours
hc[hot] <- rpois(length(hot), 8)
hc[hx$row %in% 0:1 & hx$col %in% 0:2] <- 0L
hx$count <- hc
write_ref(hx, "hex7_cells.csv")
write_nb(nb_hex, "hex7_nb.csv")
write_ref(local_table(hx$count, nb_hex, "hex7/hex6"), "hex7_local.csv")
global_stats(hx$count, nb_hex, "hex7", "hex6")

# ============================================ 3. irregular polygons (Voronoi) --

set.seed(303)
np <- 25
gen <- cbind(round(runif(np, 0, 1000), 1), round(runif(np, 0, 1000), 1))
square <- st_polygon(list(rbind(c(0, 0), c(1000, 0), c(1000, 1000), c(0, 1000), c(0, 0))))
vor <- st_collection_extract(st_sfc(st_voronoi(st_multipoint(gen), envelope = st_sfc(square))), "POLYGON")
vor <- st_intersection(vor, st_sfc(square))
# order the cells like the generating points (cell k contains point k)
own <- st_intersects(st_sfc(lapply(seq_len(np), function(k) st_point(gen[k, ]))), vor)
stopifnot(all(lengths(own) == 1))
vor <- vor[unlist(own)]
wkt <- st_as_text(vor, digits = 17)
vor_rt <- st_as_sfc(wkt)                            # WKT round trip
nb_poly <- poly2nb(vor_rt, queen = TRUE)
stopifnot(same_nb(nb_poly, poly2nb(vor, queen = TRUE)))
logline("poly25 poly2nb(queen) identical before/after WKT round trip: TRUE")
logline("poly25 queen == rook: ", same_nb(nb_poly, poly2nb(vor_rt, queen = FALSE)))
cen <- st_coordinates(st_centroid(vor_rt))
dhot <- sqrt((gen[, 1] - 750)^2 + (gen[, 2] - 750)^2)
pc <- rpois(np, 0.8 + 9 * exp(-dhot^2 / (2 * 200^2)))
poly <- data.frame(id = seq_len(np), seed_x = gen[, 1], seed_y = gen[, 2],
                   centroid_x = cen[, 1], centroid_y = cen[, 2],
                   area = as.numeric(st_area(vor_rt)), count = pc, wkt = wkt,
                   stringsAsFactors = FALSE)
write_ref(poly, "poly25_cells.csv")
write_nb(nb_poly, "poly25_nb_queen.csv")
write_ref(local_table(poly$count, nb_poly, "poly25/queen"), "poly25_local.csv")
global_stats(poly$count, nb_poly, "poly25", "queen")

# ========================================================== 4. edge cases --

# 4a. zero variance on the 10x10 queen lattice: all 3, and all 0.
ec <- rbind(cbind(case = "constant3", local_table(rep(3L, 100), nb_queen, "edge/constant3")),
            cbind(case = "allzero", local_table(rep(0L, 100), nb_queen, "edge/allzero")))
write_ref(ec, "edge_constant_local.csv")
global_stats(rep(3L, 100), nb_queen, "edge_constant3", "queen")
global_stats(rep(0L, 100), nb_queen, "edge_allzero", "queen")

# 4b. island: 10x10 queen lattice with every link of cell 100 removed; count 6.
isl <- 100L
nb_isl <- make_nb(lapply(seq_along(nb_queen), function(i) {
  if (i == isl) integer(0) else setdiff(nb_list(nb_queen)[[i]], isl)
}))
x_isl <- lat$count; x_isl[isl] <- 6L
write_nb(nb_isl, "edge_island_nb.csv")
write_ref(local_table(x_isl, nb_isl, "edge/island"), "edge_island_local.csv")
global_stats(x_isl, nb_isl, "edge_island", "queen_minus_100")

glob <- do.call(rbind, global_rows)
write_ref(glob, "global.csv")

# ================================================== 5. point pattern --

set.seed(505)
Wwin <- owin(c(0, 1000), c(0, 500))
draw <- function(n, gen) {
  p <- matrix(numeric(0), 0, 2)
  while (nrow(p) < n) {
    q <- gen(); q <- round(q, 2)
    if (q[1] > 0 && q[1] < 1000 && q[2] > 0 && q[2] < 500) p <- rbind(p, q)
  }
  p
}
pts <- rbind(
  draw(60, function() c(rnorm(1, 250, 35), rnorm(1, 330, 35))),
  draw(50, function() c(rnorm(1, 720, 45), rnorm(1, 160, 45))),
  draw(90, function() c(runif(1, 0, 1000), runif(1, 0, 500))))
stopifnot(!anyDuplicated(pts))
X <- ppp(pts[, 1], pts[, 2], window = Wwin)
stopifnot(npoints(X) == 200)
nnd <- nndist(X)
write_ref(data.frame(id = seq_len(npoints(X)), x = X$x, y = X$y, nnd = nnd), "points200.csv")

# Clark-Evans
ce <- clarkevans(X, correction = c("none", "Donnelly"))
work <- attr(spatstat.explore:::clarkevansCalc(X, c("none", "Donnelly"), working = TRUE), "working")
A <- area(Wwin); n <- npoints(X); lam <- n / A
Dobs <- mean(nnd); Dexp <- 0.5 / sqrt(lam)
SE <- sqrt((4 - pi) * A / (4 * pi)) / n
Z <- (Dobs - Dexp) / SE
chk("clarkevans naive R = mean(nndist) / (0.5/sqrt(lambda))", ce["naive"], Dobs / Dexp)
Dd <- Dexp + (0.0514 + 0.0412 / sqrt(n)) * perimeter(Wwin) / n
chk("clarkevans Donnelly R = Dobs / (Dexp + (0.0514+0.0412/sqrt(n)) P/n)", ce["Donnelly"], Dobs / Dd)
chk("SE: sqrt((4-pi)A/(4pi))/n vs 0.26136*sqrt(A)/n (5 digits)", SE, 0.26136 * sqrt(A) / n, tol = 1e-5)
cet2 <- clarkevans.test(X, correction = "none", alternative = "two.sided")
cetl <- clarkevans.test(X, correction = "none", alternative = "clustered")
cetg <- clarkevans.test(X, correction = "none", alternative = "regular")
chk("clarkevans.test statistic == clarkevans naive", cet2$statistic, ce["naive"])
chk("clarkevans.test p (clustered) == pnorm(Z)", cetl$p.value, pnorm(Z))
chk("clarkevans.test p (two-sided) == 2*(1-pnorm(|Z|))", cet2$p.value, 2 * (1 - pnorm(abs(Z))))
chk("clarkevans working Dobs/Dpois", c(work$Dobs, work$Dpois), c(Dobs, Dexp))
cer <- data.frame(
  correction = c("none", "Donnelly"), n = n, area = A, perimeter = perimeter(Wwin),
  intensity = lam, dobs = Dobs, dexp = c(Dexp, Dd), R = c(ce["naive"], ce["Donnelly"]),
  se = c(SE, NaN), z = c(Z, NaN),
  p_two_sided_spatstat = c(cet2$p.value, NaN), p_two_sided = c(2 * pnorm(-abs(Z)), NaN),
  p_clustered = c(cetl$p.value, NaN), p_regular = c(cetg$p.value, NaN))
write_ref(cer, "clarkevans.csv")

# Kernel density, edge=FALSE, on a 20 x 10 pixel grid (50 m pixels).
dimyx <- c(10, 20)
M <- as.mask(Wwin, dimyx = dimyx)
grid <- expand.grid(ix = seq_along(M$xcol), iy = seq_along(M$yrow))   # x fastest
grid$pixel <- seq_len(nrow(grid))
grid$x <- M$xcol[grid$ix]; grid$y <- M$yrow[grid$iy]
chk("pixel centres x = 25 + 50*(ix-1)", grid$x, 25 + 50 * (grid$ix - 1))
chk("pixel centres y = 25 + 50*(iy-1)", grid$y, 25 + 50 * (grid$iy - 1))

direct <- function(px, py, kernel, sigma) {
  sapply(seq_along(px), function(k) {
    d2 <- (X$x - px[k])^2 + (X$y - py[k])^2
    if (kernel == "gaussian") {
      sum(exp(-d2 / (2 * sigma^2))) / (2 * pi * sigma^2)
    } else {
      h <- sqrt(8) * sigma; u <- d2 / h^2
      3 / (pi * h^2) * sum(ifelse(u < 1, (1 - u)^2, 0))
    }
  })
}

# quartic: spatstat's sigma is the SD of one coordinate; support radius h = sqrt(8) sigma.
qinfo <- spatstat.explore:::.Spatstat.2D.KernelTable$quartic
chk("2-D quartic template: sd of x coordinate == 1/sqrt(8)", qinfo$sd, 1 / sqrt(8))
sq_s <- 10
ev <- function(r) spatstat.explore:::evaluate2Dkernel("quartic", r, 0, sigma = sq_s)
chk("quartic k(0) == 3/(pi h^2), h = sqrt(8)*sigma", ev(0), 3 / (pi * 8 * sq_s^2))
logline(sprintf("quartic k(0.999999 h) = %.3g (>0); k(1.000001 h) = %.3g; k(sqrt(7) sigma) = %.3g (>0, so sqrt(7) is not the support)",
                ev(0.999999 * sqrt(8) * sq_s), ev(1.000001 * sqrt(8) * sq_s), ev(sqrt(7) * sq_s)))
stopifnot(ev(0.999999 * sqrt(8) * sq_s) > 0, ev(1.000001 * sqrt(8) * sq_s) == 0)
g1 <- seq(-sqrt(8) * sq_s, sqrt(8) * sq_s, length.out = 1201); st <- g1[2] - g1[1]
gg <- expand.grid(u = g1, v = g1)
kv <- spatstat.explore:::evaluate2Dkernel("quartic", gg$u, gg$v, sigma = sq_s)
chk("quartic: numeric integral of k == 1 (grid 1201^2)", sum(kv) * st^2, 1, tol = 1e-4)
chk("quartic: numeric E[x^2] == sigma^2 (grid 1201^2)", sum(gg$u^2 * kv) * st^2, sq_s^2, tol = 1e-4)
logline(sprintf("1-D dkernel('biweight') uses h = sqrt(7)*sd (kernel.factor = %.15g); the 2-D 'quartic' kernel uses sqrt(8)",
                spatstat.explore:::kernel.factor("biweight")))

kern <- data.frame(kernel = c("gaussian", "quartic"),
                   sigma = c(50, 150 / sqrt(8)), stringsAsFactors = FALSE)
kern$h <- ifelse(kern$kernel == "quartic", sqrt(8) * kern$sigma, NaN)
dens_rows <- list(); dpt_rows <- list()
for (k in seq_len(nrow(kern))) {
  kn <- kern$kernel[k]; sg <- kern$sigma[k]
  img <- density.ppp(X, sigma = sg, kernel = kn, edge = FALSE, dimyx = dimyx)
  stopifnot(all(img$xcol == M$xcol), all(img$yrow == M$yrow))
  fft_val <- img$v[cbind(grid$iy, grid$ix)]
  fun <- densityfun.ppp(X, sigma = sg, kernel = kn, edge = FALSE)
  ex_val <- as.numeric(fun(grid$x, grid$y))
  dir_val <- direct(grid$x, grid$y, kn, sg)
  chk(sprintf("density %s: densityfun (exact) == direct kernel sum at pixel centres", kn), ex_val, dir_val, tol = 1e-12)
  big <- dir_val > 1e-3 * max(dir_val)
  logline(sprintf("density %s: density.ppp pixel image (FFT) vs exact: max rel diff %.3g where value > 1e-3*max, max abs diff %.3g (max value %.3g)",
                  kn, reldiff(fft_val[big], dir_val[big]), max(abs(fft_val - dir_val)), max(dir_val)))
  # density.ppp's pixel algorithm, written out: each point is moved to its
  # nearest pixel centre, the kernel is evaluated on the (2*nr) x (2*nc) grid of
  # pixel offsets and rescaled to sum to 1, then divided by the pixel area.
  nc <- length(M$xcol); nr <- length(M$yrow); xs <- M$xstep; ys <- M$ystep
  ixp <- pmin(pmax(round((X$x - M$xcol[1]) / xs) + 1, 1), nc)
  iyp <- pmin(pmax(round((X$y - M$yrow[1]) / ys) + 1, 1), nr)
  kfun <- function(dx, dy) {
    if (kn == "gaussian") dnorm(dx, sd = sg) * dnorm(dy, sd = sg)
    else { h <- sqrt(8) * sg; u <- (dx^2 + dy^2) / h^2; ifelse(u < 1, 3 / (pi * h^2) * (1 - u)^2, 0) }
  }
  offs <- expand.grid(dx = xs * c(0:(nc - 1), -(nc:1)), dy = ys * c(0:(nr - 1), -(nr:1)))
  ksum <- sum(kfun(offs$dx, offs$dy))
  fft_rule <- sapply(seq_len(nrow(grid)), function(p)
    sum(kfun(grid$x[p] - M$xcol[ixp], grid$y[p] - M$yrow[iyp]))) / (ksum * xs * ys)
  chk(sprintf("density %s: density.ppp pixels == snapped-point rule (values > 1e-9*max)", kn),
      fft_val[fft_rule > 1e-9 * max(fft_rule)], fft_rule[fft_rule > 1e-9 * max(fft_rule)], tol = 1e-8)
  logline(sprintf("density %s: discrete kernel mass before rescaling, sum(k(offsets))*pixel area = %.12g",
                  kn, ksum * xs * ys))
  dens_rows[[k]] <- data.frame(kernel = kn, sigma = sg, h = kern$h[k], pixel = grid$pixel,
                               ix = grid$ix, iy = grid$iy, x = grid$x, y = grid$y,
                               value = dir_val, value_density_ppp_fft = fft_val,
                               stringsAsFactors = FALSE)
  at_pts <- density.ppp(X, sigma = sg, kernel = kn, edge = FALSE, at = "points", leaveoneout = FALSE)
  at_loo <- density.ppp(X, sigma = sg, kernel = kn, edge = FALSE, at = "points", leaveoneout = TRUE)
  dp <- direct(X$x, X$y, kn, sg)
  k0 <- if (kn == "gaussian") 1 / (2 * pi * sg^2) else 3 / (pi * 8 * sg^2)
  chk(sprintf("density %s at points (leaveoneout=FALSE) == direct sum", kn), as.numeric(at_pts), dp, tol = 1e-12)
  chk(sprintf("density %s at points (leaveoneout=TRUE) == direct sum - k(0)", kn), as.numeric(at_loo), dp - k0, tol = 1e-10)
  dpt_rows[[k]] <- data.frame(kernel = kn, sigma = sg, h = kern$h[k], id = seq_len(n),
                              value = as.numeric(at_pts), value_loo = as.numeric(at_loo),
                              stringsAsFactors = FALSE)
}
write_ref(do.call(rbind, dens_rows), "density_grid.csv")
write_ref(do.call(rbind, dpt_rows), "density_points.csv")

# ================================================================ logs --

si <- c(R.version.string,
        paste("spdep", packageVersion("spdep")),
        paste("spatstat", packageVersion("spatstat")),
        paste("spatstat.geom", packageVersion("spatstat.geom")),
        paste("spatstat.explore", packageVersion("spatstat.explore")),
        paste("sf", packageVersion("sf")),
        paste("GEOS", sf_extSoftVersion()[["GEOS"]]),
        paste("RNG", paste(RNGkind(), collapse = " / ")),
        "", capture.output(sessionInfo()))
writeLines(si, file.path(out_dir, "sessionInfo.txt"))
writeLines(c("# Self-checks run by make_reference.R (all passed if this file exists)", check_log),
           file.path(out_dir, "checks.txt"))
cat("wrote fixtures to", out_dir, "\n")
