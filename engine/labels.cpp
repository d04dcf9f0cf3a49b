#include "engine/labels.hpp"

#include "engine/iccs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <stdexcept>
#include <utility>

namespace vigia::engine {

namespace {

/// One phrase in the four languages.
struct Tr {
    const char* en;
    const char* es;
    const char* pt;
    const char* fr;
};

const char* pick(const Tr& t, Language l) noexcept {
    switch (l) {
    case Language::es:
        return t.es;
    case Language::pt:
        return t.pt;
    case Language::fr:
        return t.fr;
    case Language::en:
        break;
    }
    return t.en;
}

// Gi* classes 3 … −3. The wording follows ArcGIS's Gi_Bin legend in each language
// ("Hot Spot - 99% Confidence", "Punto caliente con 99% de confianza", "Ponto quente - 99% de
// confiança", "Point chaud - Confiance 99 %"), shortened to one pattern.
constexpr std::array<Tr, 7> kGiClasses{{
    {"Hot spot, 99% confidence", "Punto caliente, confianza 99 %", "Ponto quente, confiança 99%",
     "Point chaud, confiance 99 %"},
    {"Hot spot, 95% confidence", "Punto caliente, confianza 95 %", "Ponto quente, confiança 95%",
     "Point chaud, confiance 95 %"},
    {"Hot spot, 90% confidence", "Punto caliente, confianza 90 %", "Ponto quente, confiança 90%",
     "Point chaud, confiance 90 %"},
    {"Not significant", "No significativo", "Não significativo", "Non significatif"},
    {"Cold spot, 90% confidence", "Punto frío, confianza 90 %", "Ponto frio, confiança 90%",
     "Point froid, confiance 90 %"},
    {"Cold spot, 95% confidence", "Punto frío, confianza 95 %", "Ponto frio, confiança 95%",
     "Point froid, confiance 95 %"},
    {"Cold spot, 99% confidence", "Punto frío, confianza 99 %", "Ponto frio, confiança 99%",
     "Point froid, confiance 99 %"},
}};

// GeoDa's LISA cluster names ("High-High" …), as its Spanish and Portuguese translations and
// French courses render them.
struct Lisa {
    const char* code;
    Tr label;
};
constexpr std::array<Lisa, 5> kLisa{{
    {"HH", {"High-High", "Alto-Alto", "Alto-Alto", "Élevé-Élevé"}},
    {"LL", {"Low-Low", "Bajo-Bajo", "Baixo-Baixo", "Faible-Faible"}},
    {"LH", {"Low-High", "Bajo-Alto", "Baixo-Alto", "Faible-Élevé"}},
    {"HL", {"High-Low", "Alto-Bajo", "Alto-Baixo", "Élevé-Faible"}},
    {"not significant",
     {"Not significant", "No significativo", "Não significativo", "Non significatif"}},
}};

struct Keyed {
    const char* key;
    Tr tr;
};

// Words of maps, legends and style names. Style names stay within 30 characters (the width
// QGIS gives layer_styles.styleName).
constexpr std::array kTexts{
    Keyed{"hot_spots_title",
          {"Hot spots (Getis-Ord Gi*)", "Puntos calientes (Getis-Ord Gi*)",
           "Pontos quentes (Getis-Ord Gi*)", "Points chauds (Getis-Ord Gi*)"}},
    Keyed{"lisa_title",
          {"Clusters and outliers (local Moran's I)",
           "Clústeres y valores atípicos (I de Moran local)",
           "Agrupamentos e valores atípicos (I de Moran local)",
           "Agrégats et valeurs aberrantes (I de Moran local)"}},
    Keyed{"density_title",
          {"Incident density", "Densidad de incidentes", "Densidade de ocorrências",
           "Densité d'incidents"}},
    Keyed{"rate_title",
          {"Incident rate", "Tasa de incidentes", "Taxa de ocorrências", "Taux d'incidents"}},
    Keyed{"density_legend",
          {"Incidents per km² per year", "Incidentes por km² por año",
           "Ocorrências por km² por ano", "Incidents par km² par an"}},
    Keyed{"rate_legend",
          {"Incidents per 100,000 residents (empirical Bayes)",
           "Incidentes por 100\u00a0000 habitantes (Bayes empírico)",
           "Ocorrências por 100 mil habitantes (Bayes empírico)",
           "Incidents pour 100\u00a0000 habitants (Bayes empirique)"}},
    Keyed{"not_significant",
          {"Not significant", "No significativo", "Não significativo", "Non significatif"}},
    Keyed{"legend", {"Legend", "Leyenda", "Legenda", "Légende"}},
    Keyed{"scale", {"Scale", "Escala", "Escala", "Échelle"}},
    Keyed{"north", {"North", "Norte", "Norte", "Nord"}},
    Keyed{"source", {"Source", "Fuente", "Fonte", "Source"}},
    Keyed{"period", {"Period", "Período", "Período", "Période"}},
    Keyed{"grid",
          {"Grid cells", "Celdas de la cuadrícula", "Células da grade", "Cellules de la grille"}},
    Keyed{"sub_units", {"Sub-units", "Subunidades", "Subunidades", "Sous-unités"}},
    Keyed{"boundary", {"Boundary", "Límite", "Limite", "Limite"}},
    Keyed{"incidents", {"Incidents", "Incidentes", "Ocorrências", "Incidents"}},
    Keyed{"hotspot_areas",
          {"Hot-spot areas", "Zonas de puntos calientes", "Áreas de pontos quentes",
           "Zones de points chauds"}},
    Keyed{"kde_areas",
          {"Kernel density areas", "Áreas de densidad kernel", "Áreas de densidade kernel",
           "Zones de densité de noyau"}},
    Keyed{"kde_level_fmt",
          {"{}% of the density volume", "{} % del volumen de densidad",
           "{}% do volume de densidade", "{} % du volume de densité"}},
    Keyed{"facilities", {"Facilities", "Equipamientos", "Equipamentos", "Équipements"}},
    Keyed{"facilities_fmt",
          {"Facilities: {}", "Equipamientos: {}", "Equipamentos: {}", "Équipements : {}"}},
    Keyed{"suggested_sites",
          {"Suggested sites", "Sitios sugeridos", "Locais sugeridos", "Sites suggérés"}},
    Keyed{"suggested_sites_fmt",
          {"Suggested sites: {}", "Sitios sugeridos: {}", "Locais sugeridos: {}",
           "Sites suggérés : {}"}},
    Keyed{"coverage_area",
          {"Area within reach", "Área de cobertura", "Área de cobertura", "Zone desservie"}},
    Keyed{"coverage_area_fmt",
          {"Area within reach: {}", "Área de cobertura: {}", "Área de cobertura: {}",
           "Zone desservie : {}"}},
    Keyed{"uncovered_hotspots",
          {"Hot spots outside every network", "Puntos calientes fuera de toda red",
           "Pontos quentes fora de todas as redes", "Points chauds hors de tout réseau"}},
    Keyed{"cities", {"Cities", "Ciudades", "Cidades", "Villes"}},
    Keyed{"hex_cells_fmt",
          {"{} m hexagonal cells", "Celdas hexagonales de {} m", "Células hexagonais de {} m",
           "Cellules hexagonales de {} m"}},
    Keyed{"square_cells_fmt",
          {"{} m square cells", "Celdas cuadradas de {} m", "Células quadradas de {} m",
           "Cellules carrées de {} m"}},
    Keyed{"alliance_title",
          {"Cities Alliance for Citizen Security", "Alianza de Ciudades por la Seguridad Ciudadana",
           "Aliança de Cidades pela Segurança Cidadã",
           "Alliance des villes pour la sécurité citoyenne"}},
    Keyed{"style_emerging",
          {"Emerging hot spots", "Calientes emergentes", "Quentes emergentes",
           "Points chauds émergents"}},
    Keyed{"emerging_title",
          {"Emerging hot-spot patterns (space-time Gi*, Mann-Kendall)",
           "Patrones de puntos calientes emergentes (Gi* espacio-temporal, Mann-Kendall)",
           "Padrões de pontos quentes emergentes (Gi* espaço-temporal, Mann-Kendall)",
           "Modèles de points chauds émergents (Gi* spatio-temporel, Mann-Kendall)"}},
    Keyed{"day_1", {"Monday", "lunes", "segunda-feira", "lundi"}},
    Keyed{"day_2", {"Tuesday", "martes", "terça-feira", "mardi"}},
    Keyed{"day_3", {"Wednesday", "miércoles", "quarta-feira", "mercredi"}},
    Keyed{"day_4", {"Thursday", "jueves", "quinta-feira", "jeudi"}},
    Keyed{"day_5", {"Friday", "viernes", "sexta-feira", "vendredi"}},
    Keyed{"day_6", {"Saturday", "sábado", "sábado", "samedi"}},
    Keyed{"day_7", {"Sunday", "domingo", "domingo", "dimanche"}},
    Keyed{"whole_city", {"whole city", "toda la ciudad", "toda a cidade", "toute la ville"}},
    Keyed{"alliance_subtitle",
          {"Hot spots (Getis-Ord Gi*), the same method in every city",
           "Puntos calientes (Getis-Ord Gi*), el mismo método en cada ciudad",
           "Pontos quentes (Getis-Ord Gi*), o mesmo método em cada cidade",
           "Points chauds (Getis-Ord Gi*), la même méthode dans chaque ville"}},
    Keyed{"style_hot_spots",
          {"Hot spots (Gi*)", "Puntos calientes (Gi*)", "Pontos quentes (Gi*)",
           "Points chauds (Gi*)"}},
    Keyed{"style_lisa", {"LISA clusters", "Clústeres LISA", "Agrupamentos LISA", "Agrégats LISA"}},
    Keyed{"style_density",
          {"Density per year", "Densidad por año", "Densidade por ano", "Densité par an"}},
    Keyed{"style_rate",
          {"Rate (empirical Bayes)", "Tasa (Bayes empírico)", "Taxa (Bayes empírico)",
           "Taux (Bayes empirique)"}},
    Keyed{"style_default", {"Default", "Predeterminado", "Padrão", "Par défaut"}},
};

// Field aliases. Where a name means different things in different layers, the layer's own
// entry comes first (kByLayer); "coverage_*" stands for every coverage_<kind> layer, and so on.
struct LayerField {
    const char* layer;
    const char* field;
    Tr tr;
};
constexpr std::array kByLayer{
    LayerField{"units", "name", {"Sub-unit", "Subunidad", "Subunidade", "Sous-unité"}},
    LayerField{"boundary", "name", {"City", "Ciudad", "Cidade", "Ville"}},
    LayerField{"facilities_*", "name", {"Facility", "Equipamiento", "Equipamento", "Équipement"}},
    LayerField{"facilities_*",
               "incidents",
               {"Incidents within reach", "Incidentes a su alcance", "Ocorrências ao alcance",
                "Incidents à portée"}},
    LayerField{"facilities_*",
               "residents",
               {"Residents within reach", "Habitantes a su alcance", "Habitantes ao alcance",
                "Habitants à portée"}},
    LayerField{"uncovered_hotspots",
               "incidents",
               {"Incidents out of every network's reach",
                "Incidentes fuera del alcance de toda red",
                "Ocorrências fora do alcance de todas as redes",
                "Incidents hors de portée de tout réseau"}},
    LayerField{"uncovered_hotspots",
               "area_km2",
               {"Area out of reach (km²)", "Área fuera de alcance (km²)",
                "Área fora de alcance (km²)", "Surface hors de portée (km²)"}},
    LayerField{"unit_counts", "unit", {"Sub-unit", "Subunidad", "Subunidade", "Sous-unité"}},
    LayerField{"unit_counts",
               "count",
               {"Incidents (as published)", "Incidentes (según la fuente)",
                "Ocorrências (conforme publicadas)", "Incidents (tels que publiés)"}},
    LayerField{"clock",
               "unit_id",
               {"Sub-unit number (0: whole city)", "Número de subunidad (0: toda la ciudad)",
                "Número da subunidade (0: toda a cidade)",
                "Numéro de sous-unité (0 : toute la ville)"}},
    LayerField{"clock", "unit", {"Sub-unit", "Subunidad", "Subunidade", "Sous-unité"}},
    LayerField{"clock",
               "day",
               {"Day of the week (1 Monday … 7 Sunday)", "Día de la semana (1 lunes … 7 domingo)",
                "Dia da semana (1 segunda … 7 domingo)",
                "Jour de la semaine (1 lundi … 7 dimanche)"}},
    LayerField{"clock", "day_name", {"Day", "Día", "Dia", "Jour"}},
    LayerField{"clock",
               "midnight",
               {"At exactly 00:00:00 (often: no time of day)",
                "A las 00:00:00 exactas (a menudo: sin hora)",
                "Às 00:00:00 exatas (muitas vezes: sem hora)",
                "À 00:00:00 pile (souvent : heure inconnue)"}},
    LayerField{"clock",
               "no_hour",
               {"Day known, hour not (a date alone or a band of hours)",
                "Día conocido, hora no (solo la fecha o una franja horaria)",
                "Dia conhecido, hora não (só a data ou uma faixa horária)",
                "Jour connu, heure non (date seule ou tranche horaire)"}},
    LayerField{"clock",
               "total",
               {"Incidents that day", "Incidentes ese día", "Ocorrências nesse dia",
                "Incidents ce jour-là"}},
    LayerField{"unmapped_categories",
               "incidents",
               {"Incidents with this label", "Incidentes con esta etiqueta",
                "Ocorrências com este rótulo", "Incidents avec ce libellé"}},
    LayerField{"metrics",
               "category",
               {"Offence category (ICCS code, or all)", "Categoría de delito (código ICCS, o all)",
                "Categoria de crime (código ICCS, ou all)",
                "Catégorie d'infraction (code ICCS, ou all)"}},
    LayerField{"city_stats",
               "category",
               {"Offence category (ICCS code, or all)", "Categoría de delito (código ICCS, o all)",
                "Categoria de crime (código ICCS, ou all)",
                "Catégorie d'infraction (code ICCS, ou all)"}},
    LayerField{"hotspots",
               "category",
               {"Offence category (ICCS code, or all)", "Categoría de delito (código ICCS, o all)",
                "Categoria de crime (código ICCS, ou all)",
                "Catégorie d'infraction (code ICCS, ou all)"}},
    LayerField{"run_info", "value", {"Value", "Valor", "Valor", "Valeur"}},
    LayerField{"coverage_*",
               "area_km2",
               {"Area within reach (km²)", "Área de cobertura (km²)", "Área de cobertura (km²)",
                "Surface desservie (km²)"}},
};

struct Field {
    const char* field;
    Tr tr;
};
constexpr std::array kFields{
    Field{"fid", {"Feature ID", "Identificador", "Identificador", "Identifiant"}},
    // crime clock
    Field{"day",
          {"Day of the week (1 Monday … 7 Sunday)", "Día de la semana (1 lunes … 7 domingo)",
           "Dia da semana (1 segunda … 7 domingo)", "Jour de la semaine (1 lundi … 7 dimanche)"}},
    Field{"day_name", {"Day", "Día", "Dia", "Jour"}},
    Field{"midnight",
          {"At exactly 00:00:00 (often: no time of day)",
           "A las 00:00:00 exactas (a menudo: sin hora)",
           "Às 00:00:00 exatas (muitas vezes: sem hora)",
           "À 00:00:00 pile (souvent : heure inconnue)"}},
    Field{"no_hour",
          {"Day known, hour not (a date alone or a band of hours)",
           "Día conocido, hora no (solo la fecha o una franja horaria)",
           "Dia conhecido, hora não (só a data ou uma faixa horária)",
           "Jour connu, heure non (date seule ou tranche horaire)"}},
    Field{"time_precision",
          {"Precision of the time", "Precisión de la hora", "Precisão da hora",
           "Précision de l'heure"}},
    Field{"time_no_hour_share",
          {"Share of incidents whose hour is not known",
           "Proporción de incidentes sin hora conocida",
           "Proporção de ocorrências sem hora conhecida", "Part des incidents sans heure connue"}},
    Field{"time_month_only_share",
          {"Share of incidents known only to the month",
           "Proporción de incidentes conocidos solo por el mes",
           "Proporção de ocorrências conhecidas só pelo mês",
           "Part des incidents connus seulement au mois"}},
    Field{"total",
          {"Incidents that day", "Incidentes ese día", "Ocorrências nesse dia",
           "Incidents ce jour-là"}},
    Field{"time_missing_share",
          {"Share of incidents without a time", "Proporción de incidentes sin fecha ni hora",
           "Proporção de ocorrências sem data nem hora", "Part des incidents sans date ni heure"}},
    Field{"time_midnight_share",
          {"Share of incidents at exactly 00:00:00", "Proporción de incidentes a las 00:00:00",
           "Proporção de ocorrências às 00:00:00", "Part des incidents à 00:00:00"}},
    // emerging hot spots
    Field{"ehs_category",
          {"Emerging hot-spot pattern", "Patrón de punto caliente emergente",
           "Padrão de ponto quente emergente", "Modèle de point chaud émergent"}},
    Field{"ehs_hot_steps",
          {"Time steps as a significant hot spot", "Periodos como punto caliente significativo",
           "Períodos como ponto quente significativo", "Périodes en point chaud significatif"}},
    Field{"ehs_cold_steps",
          {"Time steps as a significant cold spot", "Periodos como punto frío significativo",
           "Períodos como ponto frio significativo", "Périodes en point froid significatif"}},
    Field{"trend_count_z",
          {"Trend of counts (Mann-Kendall z)", "Tendencia de los conteos (z de Mann-Kendall)",
           "Tendência das contagens (z de Mann-Kendall)",
           "Tendance des effectifs (z de Mann-Kendall)"}},
    Field{"trend_count_p",
          {"Trend of counts: p-value", "Tendencia de los conteos: valor p",
           "Tendência das contagens: valor p", "Tendance des effectifs : valeur p"}},
    Field{"trend_count_dir",
          {"Trend of counts (1 up, -1 down, 0 none)",
           "Tendencia de los conteos (1 sube, -1 baja, 0 ninguna)",
           "Tendência das contagens (1 sobe, -1 desce, 0 nenhuma)",
           "Tendance des effectifs (1 hausse, -1 baisse, 0 aucune)"}},
    Field{"trend_gi_z",
          {"Trend of Gi* z (Mann-Kendall z)", "Tendencia de Gi* z (z de Mann-Kendall)",
           "Tendência de Gi* z (z de Mann-Kendall)", "Tendance de Gi* z (z de Mann-Kendall)"}},
    Field{"trend_gi_p",
          {"Trend of Gi* z: p-value", "Tendencia de Gi* z: valor p", "Tendência de Gi* z: valor p",
           "Tendance de Gi* z : valeur p"}},
    Field{"trend_gi_dir",
          {"Trend of Gi* z (1 up, -1 down, 0 none)",
           "Tendencia de Gi* z (1 sube, -1 baja, 0 ninguna)",
           "Tendência de Gi* z (1 sobe, -1 desce, 0 nenhuma)",
           "Tendance de Gi* z (1 hausse, -1 baisse, 0 aucune)"}},
    // near repeat
    Field{"space_band",
          {"Distance band (-1 same place)", "Banda de distancia (-1 mismo lugar)",
           "Faixa de distância (-1 mesmo local)", "Classe de distance (-1 même lieu)"}},
    Field{"distance_from_m", {"From (m)", "Desde (m)", "De (m)", "De (m)"}},
    Field{"distance_to_m", {"To (m)", "Hasta (m)", "Até (m)", "À (m)"}},
    Field{"time_band", {"Time band", "Banda de tiempo", "Faixa de tempo", "Classe de temps"}},
    Field{"days_from", {"From (days)", "Desde (días)", "De (dias)", "De (jours)"}},
    Field{"days_to", {"To (days)", "Hasta (días)", "Até (dias)", "À (jours)"}},
    Field{"observed",
          {"Observed pairs", "Pares observados", "Pares observados", "Paires observées"}},
    Field{"expected",
          {"Expected pairs (random times)", "Pares esperados (tiempos al azar)",
           "Pares esperados (tempos aleatórios)", "Paires attendues (dates aléatoires)"}},
    Field{"ratio",
          {"Knox ratio (observed / expected)", "Razón de Knox (observados / esperados)",
           "Razão de Knox (observados / esperados)", "Rapport de Knox (observées / attendues)"}},
    Field{"p",
          {"Monte Carlo p-value", "Valor p de Monte Carlo", "Valor p de Monte Carlo",
           "Valeur p de Monte-Carlo"}},
    Field{"near_repeat_ratio",
          {"Near-repeat Knox ratio (headline bands)",
           "Razón de Knox de repetición cercana (bandas del titular)",
           "Razão de Knox de repetição próxima (faixas do destaque)",
           "Rapport de Knox de répétition proche (classes du titre)"}},
    Field{"near_repeat_p",
          {"Near-repeat p-value", "Valor p de repetición cercana", "Valor p de repetição próxima",
           "Valeur p de répétition proche"}},
    Field{"ehs_time_steps",
          {"Time steps of the space-time cube", "Periodos del cubo espacio-temporal",
           "Períodos do cubo espaço-temporal", "Périodes du cube spatio-temporel"}},
    // grid, units
    Field{"cell_id", {"Cell number", "Número de celda", "Número da célula", "Numéro de cellule"}},
    Field{
        "unit_id",
        {"Sub-unit number", "Número de subunidad", "Número da subunidade", "Numéro de sous-unité"}},
    Field{"count",
          {"Number of incidents", "Número de incidentes", "Número de ocorrências",
           "Nombre d'incidents"}},
    Field{"area_km2", {"Area (km²)", "Área (km²)", "Área (km²)", "Superficie (km²)"}},
    Field{"density_km2",
          {"Incidents per km² (whole period)", "Incidentes por km² (todo el período)",
           "Ocorrências por km² (período completo)", "Incidents par km² (toute la période)"}},
    Field{"density_km2_year",
          {"Incidents per km² per year", "Incidentes por km² por año",
           "Ocorrências por km² por ano", "Incidents par km² par an"}},
    Field{"gi_z", {"Gi* z-score", "Puntuación z de Gi*", "Escore z de Gi*", "Score z de Gi*"}},
    Field{"gi_p",
          {"Gi* p-value (normal approximation)", "Valor p de Gi* (aproximación normal)",
           "Valor p de Gi* (aproximação normal)", "Valeur p de Gi* (approximation normale)"}},
    Field{"gi_p_sim",
          {"Gi* pseudo p-value (permutations)", "Pseudovalor p de Gi* (permutaciones)",
           "Pseudovalor p de Gi* (permutações)", "Pseudo-valeur p de Gi* (permutations)"}},
    Field{"gi_class",
          {"Hot or cold spot (Gi* confidence class)",
           "Punto caliente o frío (clase de confianza Gi*)",
           "Ponto quente ou frio (classe de confiança Gi*)",
           "Point chaud ou froid (classe de confiance Gi*)"}},
    Field{"lisa_i",
          {"Local Moran's I", "I de Moran local", "I de Moran local", "I de Moran local"}},
    Field{"lisa_z",
          {"Local Moran's I z-score", "Puntuación z del I de Moran local",
           "Escore z do I de Moran local", "Score z du I de Moran local"}},
    Field{"lisa_p_sim",
          {"Local Moran's I pseudo p-value (permutations)",
           "Pseudovalor p del I de Moran local (permutaciones)",
           "Pseudovalor p do I de Moran local (permutações)",
           "Pseudo-valeur p du I de Moran local (permutations)"}},
    Field{"lisa_cluster",
          {"LISA cluster (local Moran's I)", "Clúster LISA (I de Moran local)",
           "Agrupamento LISA (I de Moran local)", "Agrégat LISA (I de Moran local)"}},
    Field{"population",
          {"Residents (areal weighting)", "Habitantes (ponderación por área)",
           "Habitantes (ponderação por área)", "Habitants (pondération surfacique)"}},
    Field{"rate_100k",
          {"Incidents per 100,000 residents (whole period)",
           "Incidentes por 100\u00a0000 habitantes (todo el período)",
           "Ocorrências por 100 mil habitantes (período completo)",
           "Incidents pour 100\u00a0000 habitants (toute la période)"}},
    Field{"rate_100k_eb",
          {"Incidents per 100,000 residents (empirical Bayes)",
           "Incidentes por 100\u00a0000 habitantes (Bayes empírico)",
           "Ocorrências por 100 mil habitantes (Bayes empírico)",
           "Incidents pour 100\u00a0000 habitants (Bayes empirique)"}},
    Field{"name", {"Name", "Nombre", "Nome", "Nom"}},
    // incidents, unit_counts, rejected, unmapped_categories
    Field{"source_row",
          {"Row or feature in the input", "Fila u objeto en la fuente", "Linha ou feição na fonte",
           "Ligne ou entité dans la source"}},
    Field{"time",
          {"Date and time (local)", "Fecha y hora (local)", "Data e hora (local)",
           "Date et heure (locale)"}},
    Field{"iccs",
          {"ICCS offence code (UNODC)", "Código de delito ICCS (UNODC)",
           "Código de crime ICCS (UNODC)", "Code d'infraction ICCS (ONUDC)"}},
    Field{"category",
          {"Offence category (as in the source)", "Categoría de delito (según la fuente)",
           "Categoria de crime (conforme a fonte)", "Catégorie d'infraction (selon la source)"}},
    Field{"category_name",
          {"Offence category name", "Nombre de la categoría de delito",
           "Nome da categoria de crime", "Nom de la catégorie d'infraction"}},
    Field{"year", {"Year", "Año", "Ano", "Année"}},
    Field{"month", {"Month", "Mes", "Mês", "Mois"}},
    Field{"label",
          {"Offence label (not in the category map)",
           "Etiqueta de delito (sin código en la tabla de categorías)",
           "Rótulo de crime (sem código na tabela de categorias)",
           "Libellé d'infraction (absent de la table des catégories)"}},
    Field{"reason",
          {"Why it was not counted", "Motivo de exclusión", "Motivo da exclusão",
           "Motif d'exclusion"}},
    Field{"detail", {"Detail", "Detalle", "Detalhe", "Détail"}},
    // hotspots, kde_areas
    Field{"hotspot_id",
          {"Hot-spot area number", "Número de zona de puntos calientes",
           "Número da área de pontos quentes", "Numéro de zone de points chauds"}},
    Field{"cells",
          {"Grid cells", "Celdas de la cuadrícula", "Células da grade", "Cellules de la grille"}},
    Field{"share",
          {"Share of the city's incidents", "Proporción de los incidentes de la ciudad",
           "Proporção das ocorrências da cidade", "Part des incidents de la ville"}},
    Field{"peak_z",
          {"Highest Gi* z-score", "Puntuación z máxima de Gi*", "Escore z máximo de Gi*",
           "Score z maximal de Gi*"}},
    Field{"level_pct",
          {"Share of the kernel density volume (%)",
           "Porcentaje del volumen de densidad kernel (%)",
           "Porcentagem do volume de densidade kernel (%)",
           "Part du volume de densité de noyau (%)"}},
    Field{"threshold_km2",
          {"Density at the edge (incidents per km²)", "Densidad en el borde (incidentes por km²)",
           "Densidade na borda (ocorrências por km²)", "Densité à la limite (incidents par km²)"}},
    // coverage_<kind>, facilities_<kind>, suggested_<kind>, coverage
    Field{"kind",
          {"Facility network", "Red de equipamientos", "Rede de equipamentos",
           "Réseau d'équipements"}},
    Field{"radius_m",
          {"Reach of one facility (m)", "Alcance de un equipamiento (m)",
           "Alcance de um equipamento (m)", "Portée d'un équipement (m)"}},
    Field{"facility_id",
          {"Facility number", "Número de equipamiento", "Número do equipamento",
           "Numéro d'équipement"}},
    Field{"inside_boundary",
          {"Inside the boundary (1 = yes)", "Dentro del límite (1 = sí)",
           "Dentro do limite (1 = sim)", "Dans la limite (1 = oui)"}},
    Field{"incidents",
          {"Number of incidents", "Número de incidentes", "Número de ocorrências",
           "Nombre d'incidents"}},
    Field{"hotspot_cells",
          {"Hot-spot cells within reach", "Celdas calientes a su alcance",
           "Células quentes ao alcance", "Cellules chaudes à portée"}},
    Field{"residents", {"Residents", "Habitantes", "Habitantes", "Habitants"}},
    Field{"rank", {"Order of choice", "Orden de selección", "Ordem de seleção", "Ordre de choix"}},
    Field{"gain",
          {"Newly covered demand", "Demanda nueva cubierta", "Nova demanda coberta",
           "Nouvelle demande couverte"}},
    Field{"cumulative_gain",
          {"Newly covered demand, cumulative", "Demanda nueva cubierta, acumulada",
           "Nova demanda coberta, acumulada", "Nouvelle demande couverte, cumulée"}},
    Field{"coverage_share",
          {"Share covered with this site and the previous ones",
           "Proporción cubierta con este sitio y los anteriores",
           "Proporção coberta com este local e os anteriores",
           "Part couverte avec ce site et les précédents"}},
    Field{"facilities",
          {"Number of facilities", "Número de equipamientos", "Número de equipamentos",
           "Nombre d'équipements"}},
    Field{"incident_share",
          {"Share of incidents within reach", "Proporción de incidentes al alcance",
           "Proporção de ocorrências ao alcance", "Part des incidents à portée"}},
    Field{"hotspot_incident_share",
          {"Share of hot-spot incidents within reach",
           "Proporción de incidentes en puntos calientes al alcance",
           "Proporção de ocorrências em pontos quentes ao alcance",
           "Part des incidents en points chauds à portée"}},
    Field{"hotspot_cell_share",
          {"Share of hot-spot cells within reach", "Proporción de celdas calientes al alcance",
           "Proporção de células quentes ao alcance", "Part des cellules chaudes à portée"}},
    Field{"hotspot_area_share",
          {"Share of hot-spot area within reach", "Proporción del área caliente al alcance",
           "Proporção da área quente ao alcance", "Part de la surface chaude à portée"}},
    Field{"population_share",
          {"Share of residents within reach", "Proporción de habitantes al alcance",
           "Proporção de habitantes ao alcance", "Part des habitants à portée"}},
    Field{"service_area_km2",
          {"Area within reach (km²)", "Área de cobertura (km²)", "Área de cobertura (km²)",
           "Surface desservie (km²)"}},
    Field{"dist_mean_m",
          {"Mean distance of incidents to the nearest facility (m)",
           "Distancia media de los incidentes al equipamiento más cercano (m)",
           "Distância média das ocorrências ao equipamento mais próximo (m)",
           "Distance moyenne des incidents à l'équipement le plus proche (m)"}},
    Field{"dist_median_m",
          {"Median distance of incidents to the nearest facility (m)",
           "Distancia mediana de los incidentes al equipamiento más cercano (m)",
           "Distância mediana das ocorrências ao equipamento mais próximo (m)",
           "Distance médiane des incidents à l'équipement le plus proche (m)"}},
    Field{"dist_p90_m",
          {"90th percentile of the distance to the nearest facility (m)",
           "Percentil 90 de la distancia al equipamiento más cercano (m)",
           "Percentil 90 da distância ao equipamento mais próximo (m)",
           "90e centile de la distance à l'équipement le plus proche (m)"}},
    Field{"suggested_sites",
          {"Suggested sites", "Sitios sugeridos", "Locais sugeridos", "Sites suggérés"}},
    Field{"suggest_objective",
          {"What the suggested sites cover", "Qué cubren los sitios sugeridos",
           "O que os locais sugeridos cobrem", "Ce que couvrent les sites suggérés"}},
    Field{"suggested_gain",
          {"Demand covered by the suggested sites", "Demanda cubierta por los sitios sugeridos",
           "Demanda coberta pelos locais sugeridos", "Demande couverte par les sites suggérés"}},
    Field{"suggested_upper_bound",
          {"Most that any as many sites could cover (upper bound)",
           "Máximo que cubrirían otros tantos sitios (cota superior)",
           "Máximo que outros tantos locais cobririam (limite superior)",
           "Maximum que couvriraient autant de sites (borne supérieure)"}},
    // city_stats, run_info, alliance
    Field{"metric", {"Metric", "Indicador", "Indicador", "Indicateur"}},
    Field{"value", {"Value", "Valor", "Valor", "Valeur"}},
    Field{"unit", {"Unit of measure", "Unidad de medida", "Unidade de medida", "Unité de mesure"}},
    Field{"description", {"Description", "Descripción", "Descrição", "Description"}},
    Field{"key", {"Parameter", "Parámetro", "Parâmetro", "Paramètre"}},
    Field{"city", {"City", "Ciudad", "Cidade", "Ville"}},
    Field{"slug",
          {"Short name (file name)", "Nombre corto (nombre de archivo)",
           "Nome curto (nome do arquivo)", "Nom court (nom de fichier)"}},
    // The city_stats metrics, which are also the columns of alliance.gpkg's `cities`.
    Field{"incidents_per_year",
          {"Incidents per year", "Incidentes por año", "Ocorrências por ano", "Incidents par an"}},
    Field{"incidents_per_km2",
          {"Incidents per km²", "Incidentes por km²", "Ocorrências por km²", "Incidents par km²"}},
    Field{"zero_cell_share",
          {"Share of cells without incidents", "Proporción de celdas sin incidentes",
           "Proporção de células sem ocorrências", "Part des cellules sans incident"}},
    Field{"moran_i",
          {"Moran's I (global)", "I de Moran (global)", "I de Moran (global)",
           "I de Moran (global)"}},
    Field{"moran_i_expected",
          {"Moran's I, expected value", "I de Moran, valor esperado", "I de Moran, valor esperado",
           "I de Moran, espérance"}},
    Field{"moran_i_z",
          {"Moran's I z-score", "Puntuación z del I de Moran", "Escore z do I de Moran",
           "Score z du I de Moran"}},
    Field{"moran_i_p",
          {"Moran's I p-value", "Valor p del I de Moran", "Valor p do I de Moran",
           "Valeur p du I de Moran"}},
    Field{"general_g",
          {"General G (Getis-Ord)", "G general (Getis-Ord)", "G geral (Getis-Ord)",
           "G général (Getis-Ord)"}},
    Field{"general_g_expected",
          {"General G, expected value", "G general, valor esperado", "G geral, valor esperado",
           "G général, espérance"}},
    Field{"general_g_z",
          {"General G z-score", "Puntuación z del G general", "Escore z do G geral",
           "Score z du G général"}},
    Field{"general_g_p",
          {"General G p-value", "Valor p del G general", "Valor p do G geral",
           "Valeur p du G général"}},
    Field{"nni_observed_m",
          {"Mean nearest-neighbour distance (m)", "Distancia media al vecino más cercano (m)",
           "Distância média ao vizinho mais próximo (m)",
           "Distance moyenne au plus proche voisin (m)"}},
    Field{"nni_expected_m",
          {"Nearest-neighbour distance expected at random (m)",
           "Distancia al vecino más cercano esperada al azar (m)",
           "Distância ao vizinho mais próximo esperada ao acaso (m)",
           "Distance au plus proche voisin attendue au hasard (m)"}},
    Field{"nni_r",
          {"Nearest-neighbour index (Clark-Evans R)",
           "Índice del vecino más cercano (R de Clark-Evans)",
           "Índice do vizinho mais próximo (R de Clark-Evans)",
           "Indice du plus proche voisin (R de Clark-Evans)"}},
    Field{"nni_z",
          {"Nearest-neighbour index z-score", "Puntuación z del índice del vecino más cercano",
           "Escore z do índice do vizinho mais próximo",
           "Score z de l'indice du plus proche voisin"}},
    Field{"nni_p",
          {"Nearest-neighbour index p-value", "Valor p del índice del vecino más cercano",
           "Valor p do índice do vizinho mais próximo",
           "Valeur p de l'indice du plus proche voisin"}},
    Field{"gini",
          {"Gini coefficient of cell counts", "Coeficiente de Gini de los conteos por celda",
           "Coeficiente de Gini das contagens por célula",
           "Coefficient de Gini des effectifs par cellule"}},
    Field{"gini_generalised",
          {"Generalised Gini coefficient", "Coeficiente de Gini generalizado",
           "Coeficiente de Gini generalizado", "Coefficient de Gini généralisé"}},
    Field{"cells_share_25",
          {"Share of cells holding 25% of incidents",
           "Proporción de celdas con el 25 % de los incidentes",
           "Proporção de células com 25% das ocorrências",
           "Part des cellules concentrant 25 % des incidents"}},
    Field{"cells_share_50",
          {"Share of cells holding 50% of incidents",
           "Proporción de celdas con el 50 % de los incidentes",
           "Proporção de células com 50% das ocorrências",
           "Part des cellules concentrant 50 % des incidents"}},
    Field{"area_share_25",
          {"Share of area holding 25% of incidents",
           "Proporción del área con el 25 % de los incidentes",
           "Proporção da área com 25% das ocorrências",
           "Part de la surface concentrant 25 % des incidents"}},
    Field{"area_share_50",
          {"Share of area holding 50% of incidents",
           "Proporción del área con el 50 % de los incidentes",
           "Proporção da área com 50% das ocorrências",
           "Part de la surface concentrant 50 % des incidents"}},
    Field{"hot_cells",
          {"Hot-spot cells (95% confidence or more)", "Celdas calientes (confianza 95 % o más)",
           "Células quentes (confiança 95% ou mais)", "Cellules chaudes (confiance 95 % ou plus)"}},
    Field{"cold_cells",
          {"Cold-spot cells (95% confidence or more)", "Celdas frías (confianza 95 % o más)",
           "Células frias (confiança 95% ou mais)", "Cellules froides (confiance 95 % ou plus)"}},
    Field{"hot_area_share",
          {"Share of area in hot-spot cells", "Proporción del área en celdas calientes",
           "Proporção da área em células quentes", "Part de la surface en cellules chaudes"}},
    Field{"hot_incident_share",
          {"Share of incidents in hot-spot cells", "Proporción de incidentes en celdas calientes",
           "Proporção de ocorrências em células quentes",
           "Part des incidents en cellules chaudes"}},
    Field{"hotspot_areas",
          {"Hot-spot areas", "Zonas de puntos calientes", "Áreas de pontos quentes",
           "Zones de points chauds"}},
    Field{"pai",
          {"Predictive Accuracy Index (PAI)", "Índice de precisión predictiva (PAI)",
           "Índice de precisão preditiva (PAI)", "Indice de précision prédictive (PAI)"}},
    Field{"rri",
          {"Recapture Rate Index (RRI)", "Índice de tasa de recaptura (RRI)",
           "Índice de taxa de recaptura (RRI)", "Indice de taux de recapture (RRI)"}},
    Field{"hit_rate",
          {"Hit rate (second-period incidents in first-period hot spots)",
           "Tasa de acierto (incidentes del segundo período en puntos calientes del primero)",
           "Taxa de acerto (ocorrências do segundo período em pontos quentes do primeiro)",
           "Taux de réussite (incidents de la seconde période dans les points chauds de la "
           "première)"}},
    Field{"hotspot_jaccard",
          {"Overlap of the two periods' hot spots (Jaccard)",
           "Coincidencia de los puntos calientes de ambos períodos (Jaccard)",
           "Sobreposição dos pontos quentes dos dois períodos (Jaccard)",
           "Recouvrement des points chauds des deux périodes (Jaccard)"}},
    Field{"data_scale_m",
          {"Distance band the data suggest (m)", "Banda de distancia que sugieren los datos (m)",
           "Faixa de distância sugerida pelos dados (m)",
           "Bande de distance suggérée par les données (m)"}},
    Field{"mean_neighbours",
          {"Mean neighbours per cell", "Vecinos por celda (media)", "Vizinhos por célula (média)",
           "Voisins par cellule (moyenne)"}},
    Field{"kde_bandwidth_m",
          {"Kernel density bandwidth (m)", "Ancho de banda de la densidad kernel (m)",
           "Largura de banda da densidade kernel (m)",
           "Largeur de bande de la densité de noyau (m)"}},
    Field{"kde_bandwidth_auto_m",
          {"Automatic kernel density bandwidth (m)",
           "Ancho de banda automático de la densidad kernel (m)",
           "Largura de banda automática da densidade kernel (m)",
           "Largeur de bande automatique de la densité de noyau (m)"}},
    Field{"incidents_per_100k",
          {"Incidents per 100,000 residents", "Incidentes por 100\u00a0000 habitantes",
           "Ocorrências por 100 mil habitantes", "Incidents pour 100\u00a0000 habitants"}},
    Field{"incidents_per_100k_per_year",
          {"Incidents per 100,000 residents per year",
           "Incidentes por 100\u00a0000 habitantes por año",
           "Ocorrências por 100 mil habitantes por ano",
           "Incidents pour 100\u00a0000 habitants par an"}},
};

// Names built from a facility kind: prefix + kind + suffix. Longer suffixes first, so
// "coverage_x_hotspot_incident_share" is not read as kind "x_hotspot". "{}" is the kind.
struct Pattern {
    const char* prefix;
    const char* suffix;
    Tr tr;
    bool iccs = false; ///< the middle is an ICCS code: its name follows it
};
constexpr std::array kPatterns{
    Pattern{"ehs_",
            "_cells",
            {"Cells with the pattern {}", "Celdas con el patrón {}", "Células com o padrão {}",
             "Cellules au modèle {}"}},
    Pattern{"coverage_",
            "_hotspot_incident_share",
            {"Share of hot-spot incidents within reach: {}",
             "Proporción de incidentes en puntos calientes al alcance: {}",
             "Proporção de ocorrências em pontos quentes ao alcance: {}",
             "Part des incidents en points chauds à portée : {}"}},
    Pattern{"coverage_",
            "_population_share",
            {"Share of residents within reach: {}", "Proporción de habitantes al alcance: {}",
             "Proporção de habitantes ao alcance: {}", "Part des habitants à portée : {}"}},
    Pattern{"coverage_",
            "_incident_share",
            {"Share of incidents within reach: {}", "Proporción de incidentes al alcance: {}",
             "Proporção de ocorrências ao alcance: {}", "Part des incidents à portée : {}"}},
    Pattern{"coverage_",
            "_dist_median_m",
            {"Median distance of incidents to the nearest facility: {} (m)",
             "Distancia mediana de los incidentes al equipamiento más cercano: {} (m)",
             "Distância mediana das ocorrências ao equipamento mais próximo: {} (m)",
             "Distance médiane des incidents à l'équipement le plus proche : {} (m)"}},
    Pattern{"",
            "_dist_median",
            {"Median distance of incidents to the nearest facility: {} (m)",
             "Distancia mediana de los incidentes al equipamiento más cercano: {} (m)",
             "Distância mediana das ocorrências ao equipamento mais próximo: {} (m)",
             "Distance médiane des incidents à l'équipement le plus proche : {} (m)"}},
    Pattern{"",
            "_dist_mean",
            {"Mean distance of incidents to the nearest facility: {} (m)",
             "Distancia media de los incidentes al equipamiento más cercano: {} (m)",
             "Distância média das ocorrências ao equipamento mais próximo: {} (m)",
             "Distance moyenne des incidents à l'équipement le plus proche : {} (m)"}},
    Pattern{"",
            "_dist_p90",
            {"90th percentile of the distance to the nearest facility: {} (m)",
             "Percentil 90 de la distancia al equipamiento más cercano: {} (m)",
             "Percentil 90 da distância ao equipamento mais próximo: {} (m)",
             "90e centile de la distance à l'équipement le plus proche : {} (m)"}},
    // The per-category columns of grid and units (`[analysis] categories`).
    Pattern{"count_",
            "",
            {"Number of incidents: {}", "Número de incidentes: {}", "Número de ocorrências: {}",
             "Nombre d'incidents : {}"},
            true},
    Pattern{"gi_z_",
            "",
            {"Gi* z-score: {}", "Puntuación z de Gi*: {}", "Escore z de Gi*: {}",
             "Score z de Gi* : {}"},
            true},
    Pattern{"gi_class_",
            "",
            {"Hot or cold spot (Gi* confidence class): {}",
             "Punto caliente o frío (clase de confianza Gi*): {}",
             "Ponto quente ou frio (classe de confiança Gi*): {}",
             "Point chaud ou froid (classe de confiance Gi*) : {}"},
            true},
    Pattern{"lisa_",
            "",
            {"LISA cluster (local Moran's I): {}", "Clúster LISA (I de Moran local): {}",
             "Agrupamento LISA (I de Moran local): {}", "Agrégat LISA (I de Moran local) : {}"},
            true},
    Pattern{"dist_",
            "",
            {"Distance to the nearest facility: {} (m)",
             "Distancia al equipamiento más cercano: {} (m)",
             "Distância ao equipamento mais próximo: {} (m)",
             "Distance à l'équipement le plus proche : {} (m)"}},
};

/// "facilities_police" → "facilities_*": the family a kind-named layer belongs to.
std::string_view layer_family(std::string_view layer) {
    static constexpr std::pair<std::string_view, std::string_view> families[] = {
        {"coverage_", "coverage_*"},
        {"facilities_", "facilities_*"},
        {"suggested_", "suggested_*"}};
    for (const auto& [prefix, family] : families)
        if (layer.size() > prefix.size() && layer.substr(0, prefix.size()) == prefix) return family;
    return layer;
}

/// "0401 Robbery": an ICCS code with its name, or the code alone when the table lacks it.
std::string category_text(Language language, const std::string& code) {
    if (!find_iccs(code)) return code;
    return code + " " + iccs_name(code, to_string(language));
}

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

} // namespace

std::optional<Language> parse_language(std::string_view code) {
    for (Language l : all_languages())
        if (code == to_string(l)) return l;
    return std::nullopt;
}

const char* to_string(Language language) noexcept {
    switch (language) {
    case Language::es:
        return "es";
    case Language::pt:
        return "pt";
    case Language::fr:
        return "fr";
    case Language::en:
        break;
    }
    return "en";
}

const std::vector<Language>& all_languages() {
    static const std::vector<Language> all{Language::en, Language::es, Language::pt, Language::fr};
    return all;
}

std::string gi_class_label(Language language, int cls) {
    if (cls < -3 || cls > 3)
        throw std::out_of_range{fmt::format("gi_class_label: class {} is not in -3..3", cls)};
    return pick(kGiClasses[static_cast<std::size_t>(3 - cls)], language);
}

std::string lisa_label(Language language, std::string_view code) {
    for (const Lisa& l : kLisa)
        if (code == l.code) return pick(l.label, language);
    throw std::out_of_range{fmt::format("lisa_label: unknown LISA cluster code '{}'", code)};
}

const std::vector<std::string>& lisa_codes() {
    static const std::vector<std::string> codes = [] {
        std::vector<std::string> v;
        for (const Lisa& l : kLisa)
            v.emplace_back(l.code);
        return v;
    }();
    return codes;
}

namespace {
struct Ehs {
    const char* code;
    Tr tr;
};
constexpr std::array<Ehs, 17> kEhs{{
    {"no pattern",
     {"No pattern detected", "Sin patrón detectado", "Nenhum padrão detectado",
      "Aucun modèle détecté"}},
    {"new hot spot",
     {"New hot spot", "Nuevo punto caliente", "Novo ponto quente", "Nouveau point chaud"}},
    {"consecutive hot spot",
     {"Consecutive hot spot", "Punto caliente consecutivo", "Ponto quente consecutivo",
      "Point chaud consécutif"}},
    {"intensifying hot spot",
     {"Intensifying hot spot", "Punto caliente en intensificación",
      "Ponto quente em intensificação", "Point chaud en intensification"}},
    {"persistent hot spot",
     {"Persistent hot spot", "Punto caliente persistente", "Ponto quente persistente",
      "Point chaud persistant"}},
    {"diminishing hot spot",
     {"Diminishing hot spot", "Punto caliente en disminución", "Ponto quente em diminuição",
      "Point chaud en diminution"}},
    {"sporadic hot spot",
     {"Sporadic hot spot", "Punto caliente esporádico", "Ponto quente esporádico",
      "Point chaud sporadique"}},
    {"oscillating hot spot",
     {"Oscillating hot spot", "Punto caliente oscilante", "Ponto quente oscilante",
      "Point chaud oscillant"}},
    {"historical hot spot",
     {"Historical hot spot", "Punto caliente histórico", "Ponto quente histórico",
      "Point chaud historique"}},
    {"new cold spot",
     {"New cold spot", "Nuevo punto frío", "Novo ponto frio", "Nouveau point froid"}},
    {"consecutive cold spot",
     {"Consecutive cold spot", "Punto frío consecutivo", "Ponto frio consecutivo",
      "Point froid consécutif"}},
    {"intensifying cold spot",
     {"Intensifying cold spot", "Punto frío en intensificación", "Ponto frio em intensificação",
      "Point froid en intensification"}},
    {"persistent cold spot",
     {"Persistent cold spot", "Punto frío persistente", "Ponto frio persistente",
      "Point froid persistant"}},
    {"diminishing cold spot",
     {"Diminishing cold spot", "Punto frío en disminución", "Ponto frio em diminuição",
      "Point froid en diminution"}},
    {"sporadic cold spot",
     {"Sporadic cold spot", "Punto frío esporádico", "Ponto frio esporádico",
      "Point froid sporadique"}},
    {"oscillating cold spot",
     {"Oscillating cold spot", "Punto frío oscilante", "Ponto frio oscilante",
      "Point froid oscillant"}},
    {"historical cold spot",
     {"Historical cold spot", "Punto frío histórico", "Ponto frio histórico",
      "Point froid historique"}},
}};
} // namespace

std::string ehs_label(Language language, std::string_view code) {
    for (const Ehs& e : kEhs)
        if (code == e.code) return pick(e.tr, language);
    throw std::out_of_range{fmt::format("ehs_label: unknown pattern '{}'", code)};
}

std::string field_alias(Language language, std::string_view layer, std::string_view field) {
    // The crime clock's hour columns h00 … h23.
    if (layer == "clock" && field.size() == 3 && field[0] == 'h' &&
        std::isdigit(static_cast<unsigned char>(field[1])) &&
        std::isdigit(static_cast<unsigned char>(field[2]))) {
        const std::string h{field.substr(1)};
        // Exactly 00:00:00 has its own column (midnight), so h00 starts a second later.
        return field == "h00" ? std::string{"00:00:01–00:59"} : fmt::format("{}:00–{}:59", h, h);
    }
    const std::string_view family = layer_family(layer);
    for (const LayerField& e : kByLayer)
        if ((layer == e.layer || family == e.layer) && field == e.field)
            return pick(e.tr, language);
    for (const Field& e : kFields)
        if (field == e.field) return pick(e.tr, language);
    for (const Pattern& p : kPatterns) {
        const std::string_view prefix = p.prefix, suffix = p.suffix;
        if (field.size() > prefix.size() + suffix.size() &&
            field.substr(0, prefix.size()) == prefix && ends_with(field, suffix)) {
            const std::string middle{
                field.substr(prefix.size(), field.size() - prefix.size() - suffix.size())};
            return fmt::format(fmt::runtime(pick(p.tr, language)),
                               p.iccs ? category_text(language, middle) : middle);
        }
    }
    return std::string{field};
}

std::string text(Language language, std::string_view key) {
    for (const Keyed& e : kTexts)
        if (key == e.key) return pick(e.tr, language);
    throw std::out_of_range{fmt::format("text: no text for key '{}'", key)};
}

std::vector<std::string> text_keys() {
    std::vector<std::string> keys;
    for (const Keyed& e : kTexts)
        keys.emplace_back(e.key);
    return keys;
}

std::string format_number(Language language, double value, int max_decimals) {
    if (!std::isfinite(value)) return std::isnan(value) ? "NaN" : value > 0 ? "inf" : "-inf";
    std::string s = fmt::format("{:.{}f}", value, std::max(0, max_decimals));
    if (s.find('.') != std::string::npos) {
        while (s.back() == '0')
            s.pop_back();
        if (s.back() == '.') s.pop_back();
    }
    if (s == "-0") s = "0";
    const bool negative = s.front() == '-';
    const std::size_t start = negative ? 1 : 0;
    const std::size_t point = std::min(s.find('.'), s.size());
    std::string integer = s.substr(start, point - start);
    std::string decimals = point < s.size() ? s.substr(point + 1) : "";
    const char* group = language == Language::en ? "," : language == Language::pt ? "." : "\u00a0";
    if (integer.size() > 4) { // from 10,000: four-digit numbers stay whole, as es and fr write
        std::string grouped;
        for (std::size_t i = 0; i < integer.size(); ++i) {
            if (i > 0 && (integer.size() - i) % 3 == 0) grouped += group;
            grouped += integer[i];
        }
        integer = std::move(grouped);
    }
    std::string out = negative ? "-" : "";
    out += integer;
    if (!decimals.empty()) out += (language == Language::en ? "." : ",") + decimals;
    return out;
}

} // namespace vigia::engine
