// Tables of the control words that map to a single character or name.

enum Symbols {
  static let greekLower: [String: String] = [
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ",
    "varkappa": "ϰ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "omicron": "ο", "pi": "π",
    "varpi": "ϖ", "rho": "ρ", "varrho": "ϱ", "sigma": "σ", "varsigma": "ς", "tau": "τ",
    "upsilon": "υ", "phi": "ϕ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
    "digamma": "ϝ",
  ]

  /// Upright in TeX, so they are written with `mathvariant="normal"`.
  static let greekUpper: [String: String] = [
    "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ",
    "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
    "varGamma": "𝛤", "varDelta": "𝛥", "varTheta": "𝛩", "varLambda": "𝛬", "varXi": "𝛯",
    "varPi": "𝛱", "varSigma": "𝛴", "varUpsilon": "𝛶", "varPhi": "𝛷", "varPsi": "𝛹", "varOmega": "𝛺",
  ]

  /// Ordinary symbols written as upright `<mi>`.
  static let ordinary: [String: String] = [
    "infty": "∞", "nabla": "∇", "partial": "∂", "ell": "ℓ", "hbar": "ℏ", "hslash": "ℏ",
    "emptyset": "∅", "varnothing": "∅", "top": "⊤", "bot": "⊥", "intercal": "⊺", "prime": "′",
    "aleph": "ℵ", "beth": "ℶ", "Re": "ℜ", "Im": "ℑ", "wp": "℘", "angle": "∠", "triangle": "△",
    "checkmark": "✓", "square": "□", "Box": "□", "blacksquare": "■", "imath": "ı", "jmath": "ȷ",
    "clubsuit": "♣", "diamondsuit": "♢", "heartsuit": "♡", "spadesuit": "♠", "flat": "♭",
    "sharp": "♯", "natural": "♮", "degree": "°", "Diamond": "◊", "surd": "√",
    "backslash": "\\", "_": "_", "#": "#", "$": "$", "%": "%", "&": "&",
  ]

  /// Binary operators, relations, arrows, dots and logic, written as `<mo>`.
  static let operators: [String: String] = [
    // binary
    "pm": "±", "mp": "∓", "times": "×", "div": "÷", "cdot": "⋅", "ast": "∗", "star": "⋆",
    "circ": "∘", "bullet": "∙", "odot": "⊙", "otimes": "⊗", "oplus": "⊕", "ominus": "⊖",
    "oslash": "⊘", "cup": "∪", "cap": "∩", "sqcup": "⊔", "sqcap": "⊓", "uplus": "⊎",
    "wedge": "∧", "land": "∧", "vee": "∨", "lor": "∨", "setminus": "∖", "smallsetminus": "∖",
    "dagger": "†", "ddagger": "‡", "amalg": "⨿", "diamond": "⋄", "bigcirc": "◯", "cdotp": "⋅",
    "ltimes": "⋉", "rtimes": "⋊", "boxplus": "⊞", "boxtimes": "⊠", "centerdot": "⋅",
    // relations
    "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥", "neq": "≠", "ne": "≠", "approx": "≈",
    "propto": "∝", "sim": "∼", "simeq": "≃", "cong": "≅", "equiv": "≡", "in": "∈", "notin": "∉",
    "ni": "∋", "owns": "∋", "subset": "⊂", "supset": "⊃", "subseteq": "⊆", "supseteq": "⊇",
    "subsetneq": "⊊", "supsetneq": "⊋", "sqsubseteq": "⊑", "sqsupseteq": "⊒", "ll": "≪",
    "gg": "≫", "prec": "≺", "succ": "≻", "preceq": "⪯", "succeq": "⪰", "mid": "∣",
    "nmid": "∤", "parallel": "∥", "nparallel": "∦", "perp": "⊥", "models": "⊨", "vdash": "⊢",
    "dashv": "⊣", "coloneqq": "≔", "eqqcolon": "≕", "triangleq": "≜", "doteq": "≐",
    "asymp": "≍", "leqslant": "⩽", "geqslant": "⩾", "lesssim": "≲", "gtrsim": "≳",
    "approxeq": "≊", "nleq": "≰", "ngeq": "≱", "nless": "≮", "ngtr": "≯", "nsim": "≁",
    "ncong": "≇", "neg": "¬", "lnot": "¬", "forall": "∀", "exists": "∃", "nexists": "∄",
    "therefore": "∴", "because": "∵", "vDash": "⊨", "lessgtr": "≶", "bowtie": "⋈",
    "smile": "⌣", "frown": "⌢", "eqsim": "≂", "leqq": "≦", "geqq": "≧", "lneq": "⪇", "gneq": "⪈",
    "colon": ":",
    // arrows
    "to": "→", "rightarrow": "→", "leftarrow": "←", "gets": "←", "Rightarrow": "⇒",
    "Leftarrow": "⇐", "Leftrightarrow": "⇔", "leftrightarrow": "↔", "mapsto": "↦",
    "iff": "⟺", "implies": "⟹", "impliedby": "⟸", "longrightarrow": "⟶",
    "longleftarrow": "⟵", "longleftrightarrow": "⟷", "Longrightarrow": "⟹",
    "Longleftarrow": "⟸", "Longleftrightarrow": "⟺", "longmapsto": "⟼", "uparrow": "↑",
    "downarrow": "↓", "updownarrow": "↕", "Uparrow": "⇑", "Downarrow": "⇓", "nearrow": "↗",
    "searrow": "↘", "nwarrow": "↖", "swarrow": "↙", "rightleftharpoons": "⇌",
    "leftrightharpoons": "⇋", "hookrightarrow": "↪", "hookleftarrow": "↩", "leadsto": "⇝",
    "rightharpoonup": "⇀", "leftharpoonup": "↼", "twoheadrightarrow": "↠", "circlearrowleft": "↺",
    "circlearrowright": "↻", "rightsquigarrow": "⇝", "leftleftarrows": "⇇", "rightrightarrows": "⇉",
    // dots
    "ldots": "…", "dots": "…", "dotsc": "…", "dotso": "…", "cdots": "⋯", "dotsb": "⋯",
    "dotsm": "⋯", "dotsi": "⋯", "vdots": "⋮", "ddots": "⋱", "iddots": "⋰",
  ]

  /// Large operators whose limits go under/over in display style.
  static let largeOperators: [String: String] = [
    "sum": "∑", "prod": "∏", "coprod": "∐", "bigcup": "⋃", "bigcap": "⋂", "bigoplus": "⨁",
    "bigotimes": "⨂", "bigodot": "⨀", "bigvee": "⋁", "bigwedge": "⋀", "biguplus": "⨄",
    "bigsqcup": "⨆",
  ]

  /// Integrals take their limits beside them unless `\limits` says otherwise.
  static let integrals: [String: String] = [
    "int": "∫", "iint": "∬", "iiint": "∭", "oint": "∮", "intop": "∫", "smallint": "∫",
  ]

  /// Function names with limits under them in display style.
  static let limitFunctions: [String: String] = [
    "lim": "lim", "max": "max", "min": "min", "sup": "sup", "inf": "inf", "limsup": "lim sup",
    "liminf": "lim inf", "det": "det", "Pr": "Pr", "gcd": "gcd", "argmax": "arg max",
    "argmin": "arg min", "injlim": "inj lim", "projlim": "proj lim",
  ]

  /// Function names whose scripts stay beside them.
  static let functions: [String] = [
    "log", "ln", "lg", "exp", "sin", "cos", "tan", "cot", "sec", "csc", "sinh", "cosh", "tanh",
    "coth", "arcsin", "arccos", "arctan", "arg", "dim", "ker", "deg", "hom", "sgn", "Tr", "tr",
  ]

  /// Delimiters usable after `\left`, `\right`, `\big` and friends; the value is the character.
  static let delimiters: [String: String] = [
    "langle": "⟨", "rangle": "⟩", "lvert": "|", "rvert": "|", "vert": "|", "lVert": "‖",
    "rVert": "‖", "Vert": "‖", "|": "‖", "{": "{", "}": "}", "lbrace": "{", "rbrace": "}",
    "lbrack": "[", "rbrack": "]", "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉",
    "backslash": "\\", "uparrow": "↑", "downarrow": "↓", "lgroup": "⟮", "rgroup": "⟯",
    "llbracket": "⟦", "rrbracket": "⟧",
  ]

  /// Accents over a base: character and whether it stretches to the base's width.
  static let accents: [String: (String, Bool)] = [
    "hat": ("^", false), "widehat": ("\u{302}", true), "tilde": ("~", false),
    "widetilde": ("~", true),
    "bar": ("‾", false), "vec": ("→", false), "dot": ("˙", false),
    "ddot": ("¨", false), "dddot": ("⃛", false), "check": ("ˇ", false), "widecheck": ("ˇ", true),
    "breve": ("˘", false), "acute": ("´", false), "grave": ("`", false), "mathring": ("˚", false),
    "overrightarrow": ("→", true), "overleftarrow": ("←", true), "overleftrightarrow": ("↔", true),
  ]

  static let underAccents: [String: (String, Bool)] = [
    "underrightarrow": ("→", true), "underleftarrow": ("←", true),
    "utilde": ("~", true),
  ]

  /// Horizontal spaces in em.
  static let spaces: [String: String] = [
    ",": "0.1667em", "thinspace": "0.1667em", ":": "0.2222em", ">": "0.2222em",
    "medspace": "0.2222em", ";": "0.2778em", "thickspace": "0.2778em", "quad": "1em",
    "qquad": "2em", "enspace": "0.5em", " ": "0.3333em", "space": "0.3333em",
  ]

  /// `\big` and friends: the size of the delimiter.
  static let bigSizes: [String: String] = [
    "big": "1.2em", "Big": "1.623em", "bigg": "2.047em", "Bigg": "2.470em",
    "bigl": "1.2em", "Bigl": "1.623em", "biggl": "2.047em", "Biggl": "2.470em",
    "bigr": "1.2em", "Bigr": "1.623em", "biggr": "2.047em", "Biggr": "2.470em",
    "bigm": "1.2em", "Bigm": "1.623em", "biggm": "2.047em", "Biggm": "2.470em",
  ]

  /// The character a plain source character stands for in math mode.
  static func mathChar(_ c: Character) -> String {
    switch c {
    case "-": return "−"
    case "*": return "∗"
    default: return String(c)
    }
  }
}
