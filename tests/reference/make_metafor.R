#!/usr/bin/env Rscript
# Regenerates the random-effects meta-analysis fixtures (issue 13, "What works")
# in tests/reference/:
#
#   Rscript tests/reference/make_metafor.R        (from the repository root)
#
# Writes meta_dl_tables.csv (the before/after crime counts of each site),
# meta_dl_inputs.csv (ln RES and its variance per site) and meta_dl.csv
# (metafor::rma(yi, vi, method = "DL") for each case, plus the pooled RES and
# its CI on the ratio scale). Every double is printed with sprintf("%.17g").
# There is no randomness: the counts below are fixed by hand. Besides writing
# the fixtures, the script recomputes DerSimonian-Laird pooling from the
# closed-form formulas in README.md and stops if metafor disagrees with them.
# Each CSV is read back and must round-trip exactly.
#
# Made with R 4.2.2 Patched (2022-11-10 r83330) and metafor 3.8-1 (Debian 12
# packages r-base-core 4.2.2.20221110-2 and r-cran-metafor 3.8-1-1). This
# script is independent of make_reference.R and needs only metafor.

suppressPackageStartupMessages(library(metafor))
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
  s <- sprintf("%.17g", v)
  s[is.nan(v)] <- "NaN"
  s[is.na(v) & !is.nan(v)] <- "NA"
  s
}

write_ref <- function(df, name) {
  d <- lapply(df, fmt_col)
  lines <- c(paste(names(df), collapse = ","), do.call(paste, c(unname(d), sep = ",")))
  writeLines(lines, file.path(out_dir, name))
  back <- read.csv(file.path(out_dir, name), stringsAsFactors = FALSE)   # exact round trip?
  stopifnot(identical(names(back), names(df)), nrow(back) == nrow(df))
  for (nm in names(df)) {
    if (is.numeric(df[[nm]])) stopifnot(identical(as.numeric(back[[nm]]), as.numeric(df[[nm]])))
    else stopifnot(identical(as.character(back[[nm]]), as.character(df[[nm]])))
  }
  cat(sprintf("wrote %s (%d rows)\n", name, nrow(df)))
}

reldiff <- function(a, b) {
  if (a == b) return(0)
  abs(a - b) / max(abs(a), abs(b))
}

# ------------------------------------------------------------------ data --
# One 2x2 table of crime counts per site, in the Welsh & Farrington layout
# (Farrington et al. 2007, J Exp Criminol, doi:10.1007/s11292-007-9024-2,
# appendix "Measuring effect sizes"):
#
#                   before  after
#   experimental      a       b
#   control           c       d
#
# RES = (a*d)/(b*c), so RES > 1 means crime fell in the experimental area
# relative to its control. yi = ln RES, vi = 1/a + 1/b + 1/c + 1/d (Poisson
# counts). The counts are invented, sized like 12-month street-crime counts.

tables <- rbind(
  # (a) k = 5, clearly heterogeneous: tau2 > 0
  data.frame(case = "a_k5_heterogeneous", site = 1:5,
             a = c(120, 45, 200, 30, 75),
             b = c( 80, 44, 110, 48, 60),
             c = c(100, 60, 150, 40, 90),
             d = c(105, 58, 140, 36, 88)),
  # (b) k = 3, nearly identical RES: Q < k - 1, so the DL tau2 is truncated at 0
  data.frame(case = "b_k3_tau2_zero", site = 1:3,
             a = c(50, 64, 38),
             b = c(40, 52, 30),
             c = c(55, 70, 41),
             d = c(45, 58, 33)),
  # (c) k = 2 (df = 1), heterogeneous enough that tau2 > 0
  data.frame(case = "c_k2", site = 1:2,
             a = c(88, 40),
             b = c(52, 41),
             c = c(95, 52),
             d = c(101, 47)),
  # (d) k = 8, site 1 has counts in the thousands (its vi is 1/65 to 1/250 of
  #     the others'); a small tau2 > 0, so site 1 keeps most of the weight
  data.frame(case = "d_k8_one_precise", site = 1:8,
             a = c(2400, 25, 14, 33, 19, 41, 12, 27),
             b = c(2050, 18, 22, 15, 17, 39,  5, 25),
             c = c(2600, 30, 20, 29, 24, 35, 15, 31),
             d = c(2550, 28, 17, 31, 26, 30, 14, 33)),
  # (e) k = 1: metafor accepts it and sets tau2 = 0, QE = 0, QEp = 1, I2 = 0, H2 = 1
  data.frame(case = "e_k1", site = 1L,
             a = 60, b = 45, c = 70, d = 68)
)
tables$site <- as.integer(tables$site)
for (nm in c("a", "b", "c", "d")) tables[[nm]] <- as.integer(tables[[nm]])

inputs <- with(tables, data.frame(
  case = case,
  yi = log((as.double(a) * d) / (as.double(b) * c)),
  vi = 1 / as.double(a) + 1 / as.double(b) + 1 / as.double(c) + 1 / as.double(d),
  stringsAsFactors = FALSE))

# -------------------------------------------------------------- metafor --

cases <- unique(inputs$case)
rows <- list()
max_rel <- 0
for (cs in cases) {
  x <- inputs[inputs$case == cs, ]
  fit <- rma(yi = x$yi, vi = x$vi, method = "DL")     # defaults: test = "z", level = 95
  stopifnot(fit$method == "DL", fit$test == "z", fit$k == nrow(x))
  r <- data.frame(case = cs, k = as.integer(fit$k),
                  estimate = c(fit$b), se = fit$se, ci_lb = fit$ci.lb, ci_ub = fit$ci.ub,
                  zval = fit$zval, pval = fit$pval, tau2 = fit$tau2,
                  I2 = fit$I2, H2 = fit$H2, QE = fit$QE, QEp = fit$QEp,
                  stringsAsFactors = FALSE)
  r$res <- exp(r$estimate); r$res_lb <- exp(r$ci_lb); r$res_ub <- exp(r$ci_ub)

  # ---- DerSimonian-Laird from scratch (the formulas in README.md) ----
  k <- nrow(x); y <- x$yi; v <- x$vi
  w <- 1 / v
  mu_fe <- sum(w * y) / sum(w)
  Q <- if (k > 1) sum(w * (y - mu_fe)^2) else 0
  C <- sum(w) - sum(w^2) / sum(w)
  tau2_raw <- if (k > 1) (Q - (k - 1)) / C else 0
  tau2 <- max(0, tau2_raw)
  ws <- 1 / (v + tau2)
  mu <- sum(ws * y) / sum(ws)
  se <- sqrt(1 / sum(ws))
  zc <- qnorm(0.975)
  vt <- if (k > 1) (k - 1) / C else 0
  mine <- c(estimate = mu, se = se, ci_lb = mu - zc * se, ci_ub = mu + zc * se,
            zval = mu / se, pval = 2 * pnorm(-abs(mu / se)), tau2 = tau2,
            I2 = if (k > 1) 100 * tau2 / (vt + tau2) else 0,
            H2 = if (k > 1) tau2 / vt + 1 else 1,
            QE = Q, QEp = if (k > 1) pchisq(Q, k - 1, lower.tail = FALSE) else 1)
  worst <- 0; worst_nm <- "-"
  for (nm in names(mine)) {
    d <- if (nm == "tau2" && tau2 == 0) abs(r[[nm]]) else reldiff(r[[nm]], mine[[nm]])
    if (d > worst) { worst <- d; worst_nm <- nm }
    if (d > 1e-10) stop(sprintf("%s: metafor %s = %.17g, formula = %.17g", cs, nm, r[[nm]], mine[[nm]]))
  }
  if (k > 1) {   # DL I2 also equals 100 (Q - df)/Q when tau2 > 0
    i2q <- max(0, 100 * (Q - (k - 1)) / Q)
    worst_i2q <- if (tau2 > 0) reldiff(r$I2, i2q) else abs(r$I2 - i2q)
    if (worst_i2q > 1e-10) stop(sprintf("%s: I2 %.17g vs 100(Q-df)/Q %.17g", cs, r$I2, i2q))
  }
  cat(sprintf("%-20s k=%d  tau2_untruncated=%.6g  Q=%.6g  max rel diff metafor vs formulas = %.2g (%s)\n",
              cs, k, tau2_raw, Q, worst, worst_nm))
  max_rel <- max(max_rel, worst)
  rows[[cs]] <- r
}
out <- do.call(rbind, rows); rownames(out) <- NULL

# Shape checks the cases were built for.
stopifnot(out$tau2[out$case == "a_k5_heterogeneous"] > 0,
          out$tau2[out$case == "b_k3_tau2_zero"] == 0,
          out$QE[out$case == "b_k3_tau2_zero"] < 2,
          out$tau2[out$case == "c_k2"] > 0,
          out$tau2[out$case == "d_k8_one_precise"] > 0,
          out$tau2[out$case == "e_k1"] == 0)
dv <- inputs$vi[inputs$case == "d_k8_one_precise"]
stopifnot(dv[1] * 50 < min(dv[-1]))

write_ref(tables, "meta_dl_tables.csv")
write_ref(inputs, "meta_dl_inputs.csv")
write_ref(out, "meta_dl.csv")
cat(sprintf("all cases: metafor agrees with the closed-form DL formulas to %.2g relative\n", max_rel))
cat(R.version.string, "; metafor", as.character(packageVersion("metafor")), "\n")
