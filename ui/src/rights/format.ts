/** The user core records a computation by the rules as (`determinations::RULES`). */
export const RULES_USER = "rules";
