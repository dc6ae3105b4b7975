// Clients without type declarations of their own, driven by the conformance suites as plain
// JavaScript (their results are checked field by field there).
declare module 'jsforce1';
declare module 'nforce';
