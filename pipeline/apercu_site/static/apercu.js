/* Aperçu des synergies: draws the Vega-Lite charts of a page, and runs the searchable table. */
(function () {
  "use strict";

  document.querySelectorAll("script[data-graphique]").forEach(function (source) {
    var cible = document.getElementById(source.dataset.graphique);
    vegaEmbed(cible, JSON.parse(source.textContent), { actions: false, renderer: "svg", mode: "vega-lite" })
      .then(function () { cible.dataset.dessine = "oui"; })
      .catch(function (erreur) { console.error("graphique", erreur); });
  });

  var tableau = document.getElementById("tableau");
  if (!tableau || !window.SYNERGIES) { return; }
  var D = window.SYNERGIES, T = D.textes, PAR_PAGE = 100;
  // A row: [commune, annee, synergie, domaine, statut, avancement, mode, pilote, a_verifier]; texts by number.
  var lignes = D.lignes, vues = lignes, debut = 0, tri = null, sens = 1;
  var champs = {
    recherche: document.getElementById("recherche"), commune: document.getElementById("f-commune"),
    annee: document.getElementById("f-annee"), domaine: document.getElementById("f-domaine"),
    statut: document.getElementById("f-statut")
  };
  var replie = function (s) { return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); };
  var cles = lignes.map(function (l) { return replie(T[l[0]] + " " + T[l[2]]); });
  var valeur = function (l, c) {
    if (c === 1 || c === 5) { return l[c] === null ? -1 : l[c]; }
    var i = [0, null, 2, 3, 4][c];
    return c === 3 ? (D.domaines[T[l[i]]] || "") : c === 4 ? (D.statuts[T[l[i]]] || "") : T[l[i]];
  };

  function filtrer() {
    var mots = replie(champs.recherche.value).split(/\s+/).filter(Boolean);
    var commune = champs.commune.value, annee = champs.annee.value;
    var domaine = champs.domaine.value, statut = champs.statut.value;
    vues = [];
    for (var i = 0; i < lignes.length; i++) {
      var l = lignes[i];
      if (commune && T[l[0]] !== commune) { continue; }
      if (annee && String(l[1]) !== annee) { continue; }
      if (domaine && T[l[3]] !== (domaine === "-" ? "" : domaine)) { continue; }
      if (statut && T[l[4]] !== (statut === "-" ? "" : statut)) { continue; }
      if (mots.length && !mots.every(function (m) { return cles[i].indexOf(m) >= 0; })) { continue; }
      vues.push(l);
    }
    if (tri !== null) {
      vues.sort(function (a, b) {
        var x = valeur(a, tri), y = valeur(b, tri);
        return (typeof x === "number" ? x - y : x.localeCompare(y, "fr")) * sens;
      });
    }
    debut = 0;
    afficher();
  }

  function cellule(tr, texte, lien) {
    var td = document.createElement("td");
    if (lien) { var a = document.createElement("a"); a.href = lien; a.textContent = texte; td.appendChild(a); }
    else { td.textContent = texte; }
    tr.appendChild(td);
  }

  function afficher() {
    var corps = tableau.tBodies[0], morceau = document.createDocumentFragment();
    vues.slice(debut, debut + PAR_PAGE).forEach(function (l) {
      var tr = document.createElement("tr"), commune = T[l[0]];
      cellule(tr, commune, D.pages[commune] + (l[1] === null ? "" : "#annee-" + l[1]));
      cellule(tr, l[1] === null ? "" : String(l[1]));
      cellule(tr, T[l[2]] + (l[8] ? " (à vérifier)" : ""));
      cellule(tr, D.domaines[T[l[3]]] || "À classer", T[l[3]] ? "domaines/" + T[l[3]] + ".html" : null);
      cellule(tr, D.statuts[T[l[4]]]);
      cellule(tr, l[5] === null ? "" : l[5] + " %");
      morceau.appendChild(tr);
    });
    corps.replaceChildren(morceau);
    var fin = Math.min(debut + PAR_PAGE, vues.length);
    document.getElementById("compte").textContent = vues.length
      ? (debut + 1) + "–" + fin + " sur " + vues.length.toLocaleString("fr-BE") + " synergies"
      : "Aucune synergie ne correspond.";
    document.getElementById("precedent").disabled = debut === 0;
    document.getElementById("suivant").disabled = fin >= vues.length;
  }

  tableau.querySelectorAll("th button").forEach(function (bouton) {
    bouton.addEventListener("click", function () {
      var c = Number(bouton.dataset.colonne);
      sens = tri === c ? -sens : 1;
      tri = c;
      tableau.querySelectorAll("th").forEach(function (th) { th.setAttribute("aria-sort", "none"); });
      bouton.parentNode.setAttribute("aria-sort", sens === 1 ? "ascending" : "descending");
      filtrer();
    });
  });
  Object.keys(champs).forEach(function (k) { champs[k].addEventListener("input", filtrer); });
  document.querySelector("form.filtres").addEventListener("submit", function (e) { e.preventDefault(); });
  document.getElementById("precedent").addEventListener("click", function () { debut = Math.max(0, debut - PAR_PAGE); afficher(); });
  document.getElementById("suivant").addEventListener("click", function () { debut += PAR_PAGE; afficher(); });
  // A link such as synergies.html#domaine=informatique opens the table filtered.
  new URLSearchParams(location.hash.slice(1)).forEach(function (v, k) { if (champs[k]) { champs[k].value = v; } });
  filtrer();
}());
