// Placeholder: replaced by the real database setup.
export default function setup() {}
