import { mark } from "./lib/marks";
mark("script");
import { mount } from "svelte";
import App from "./App.svelte";
import { firstSearch } from "./lib/start";
import "./app.css";

void firstSearch();

const target = document.getElementById("app");
if (!target) throw new Error("index.html has no #app element");

const app = mount(App, { target });
mark("mounted");
export default app;
