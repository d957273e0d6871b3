// A client-only SPA: the appliance serves index.html for every page path (adapter-static's fallback).
export const ssr = false;
export const prerender = false;
