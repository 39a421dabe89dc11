"""The dashboard's one translation table (Russian and English) and the language selector.

Every user-facing string goes through `t(key, **fmt)`. Keys are "area.name"; each maps to {"ru": ..., "en": ...}
with str.format placeholders, filled in the language's number and plural conventions (CLDR data through Babel;
see _LocaleFormatter). The language is the sidebar choice, defaulting to the browser's locale
(`st.context.locale`: en* -> English, anything else or unknown -> Russian, the course's language).
"""

import contextlib
import functools
import math
import string

import numpy as np
import streamlit as st
from babel import Locale
from babel.numbers import get_decimal_symbol, get_group_symbol

LANGUAGES = {"ru": "Русский", "en": "English"}
FALLBACK = "ru"
SESSION_KEY = "lang"

TEXT: dict[str, dict[str, str]] = {
    # ----- the sidebar's active-weights badge (dashboard/weights_badge.py) -----
    "badge.title": {"ru": "Активные веса", "en": "Active weights"},
    "badge.generator": {"ru": "G: {label}", "en": "G: {label}"},
    "badge.discriminator": {"ru": "D: {label}", "en": "D: {label}"},
    "badge.reset": {"ru": "Вернуть пару из ноутбука", "en": "Back to the notebook's pair"},
    # ----- Streamlit's own widget texts it has no option for (uploader_texts(); issue 12, item 7) -----
    "chrome.upload": {"ru": "Загрузить", "en": "Upload"},
    "chrome.upload_limit": {"ru": "До {mb} МБ на файл", "en": "{mb}MB per file"},
    # ----- navigation and sidebar -----
    "sidebar.language": {"ru": "Язык / Language", "en": "Language / Язык"},
    "nav.walkthrough": {"ru": "Урок по шагам", "en": "Walkthrough"},
    "nav.interpolation": {"ru": "Смешивание шумов", "en": "Interpolation"},
    "nav.distributions": {"ru": "Распределения оценок", "en": "Score distributions"},
    "nav.your_images": {"ru": "Ваши изображения", "en": "Your images"},
    "nav.weights": {"ru": "Веса моделей", "en": "Weights"},
    "nav.feature_space": {"ru": "Пространство признаков", "en": "Feature space"},
    "nav.zoo": {"ru": "Зоопарк дискриминаторов", "en": "Discriminator zoo"},
    # ----- shared vocabulary -----
    "axis.probability": {
        "ru": "Оценка D(x) (не откалиброванная вероятность)",
        "en": "D(x) score (not a calibrated probability)",
    },
    "axis.probability_short": {"ru": "Оценка D(x)", "en": "D(x) score"},
    "axis.logit": {"ru": "Логит D (до сигмоиды)", "en": "D's logit (before the sigmoid)"},
    "axis.alpha": {"ru": "α (доля шума 1)", "en": "α (share of noise 1)"},
    "axis.step": {"ru": "Шаг обучения", "en": "Training step"},
    "axis.value": {"ru": "Значение", "en": "Value"},
    "chart.group": {"ru": "Группа", "en": "Group"},
    "chart.from": {"ru": "От", "en": "From"},
    "chart.to": {"ru": "До", "en": "To"},
    "chart.count": {"ru": "Изображений", "en": "Images"},
    "chart.share": {"ru": "Доля группы", "en": "Share of the group"},
    "chart.marks": {"ru": "Отдельные изображения", "en": "Single images"},
    "chart.image": {"ru": "Изображение", "en": "Image"},
    "chart.series": {"ru": "Кривая", "en": "Curve"},
    "group.real": {"ru": "Настоящие цифры (MNIST)", "en": "Real digits (MNIST)"},
    "group.generated": {"ru": "Цифры генератора", "en": "Generated digits"},
    "group.gaussian": {"ru": "Гауссов шум", "en": "Gaussian noise"},
    "group.binary": {"ru": "Бинарный шум (±1)", "en": "Binary noise (±1)"},
    "group.uniform": {"ru": "Равномерный шум", "en": "Uniform noise"},
    "group.natural": {"ru": "Фотографии", "en": "Photos"},
    "group.fashion": {"ru": "Fashion-MNIST (одежда)", "en": "Fashion-MNIST (clothes)"},
    "example.noise": {"ru": "Шум из блокнота (seed 42)", "en": "Notebook noise (seed 42)"},
    "example.binary": {"ru": "Бинарный шум из блокнота (seed 43)", "en": "Notebook binary noise (seed 43)"},
    "example.generated": {"ru": "Цифра генератора из блокнота", "en": "Notebook's generated digit"},
    "example.cat": {"ru": "Кот из блокнота", "en": "Notebook's cat"},
    "table.group": {"ru": "Группа", "en": "Group"},
    "table.n": {"ru": "N", "en": "N"},
    "table.mean": {"ru": "Среднее D(x)", "en": "Mean D(x)"},
    "table.median": {"ru": "Медиана D(x)", "en": "Median D(x)"},
    "table.share_above_half": {"ru": "Доля D(x) > 0,5", "en": "Share with D(x) > 0.5"},
    "table.mean_logit": {"ru": "Средний логит", "en": "Mean logit"},
    "table.name": {"ru": "Файл", "en": "File"},
    "table.source": {"ru": "Откуда", "en": "Source"},
    "table.pipeline": {"ru": "Предобработка", "en": "Pipeline"},
    "table.probability": {"ru": "D(x)", "en": "D(x)"},
    "table.logit": {"ru": "Логит", "en": "Logit"},
    "table.percentile": {"ru": "Процентиль: {group}", "en": "Percentile: {group}"},
    "loss.d_loss": {"ru": "Потери D", "en": "D loss"},
    "loss.g_loss": {"ru": "Потери G", "en": "G loss"},
    "loss.d_real": {"ru": "Среднее D на настоящих", "en": "Mean D on real"},
    "loss.d_fake": {"ru": "Среднее D на подделках", "en": "Mean D on fakes"},
    # ----- walkthrough -----
    "walk.title": {
        "ru": "Почему дискриминатор GAN ошибается на том, чего не видел",
        "en": "Why a GAN discriminator is wrong about what it never saw",
    },
    "walk.intro": {
        "ru": "Генеративно-состязательная сеть (GAN) — это две нейросети, обученные друг против друга на "
        "рукописных цифрах MNIST. **Генератор G** превращает случайный шум z — вектор из 100 чисел — в "
        "картинку 28×28. **Дискриминатор D** смотрит на картинку и отвечает числом от 0 до 1. Здесь те же "
        "архитектуры, что и в учебном блокноте.",
        "en": "A generative adversarial network (GAN) is two neural networks trained against each other on "
        "handwritten MNIST digits. **The generator G** turns random noise z, a vector of 100 numbers, into "
        "a 28×28 picture. **The discriminator D** looks at a picture and answers with a number between 0 "
        "and 1. The architectures are the ones from the course notebook.",
    },
    "walk.dx": {
        "ru": "**Что значит D(x).** Близко к 1 — «похоже на настоящую цифру из MNIST», близко к 0 — «подделка "
        "генератора». Но D учился только отличать настоящие цифры от цифр генератора. Всё остальное "
        "пространство картинок — шум, фотографии, ваши рисунки — он не видел ни разу, и там его ответ "
        "ничего не означает. Урок показывает это по шагам.",
        "en": "**What D(x) means.** Near 1: 'looks like a real MNIST digit'; near 0: 'a generator's fake'. But D "
        "only ever learned to tell real digits from the generator's digits. The rest of image space (noise, "
        "photos, your drawings) it never saw, and there its answer means nothing. The lesson shows this "
        "step by step.",
    },
    "walk.predict_title": {"ru": "Сначала предскажите", "en": "Predict first"},
    "walk.predict_text": {
        "ru": "Дискриминатору показывают чистый случайный шум — ничего похожего на цифру. Какую оценку D(x) он "
        "поставит? Выберите свой прогноз, потом нажмите кнопку.",
        "en": "The discriminator is shown pure random noise, nothing like a digit. What D(x) will it give? Pick "
        "your guess, then press the button.",
    },
    "walk.guess": {"ru": "Мой прогноз D(шум)", "en": "My guess for D(noise)"},
    "walk.reveal": {"ru": "Показать ответ", "en": "Reveal"},
    "walk.real_score": {"ru": "Оценка дискриминатора", "en": "Discriminator's score"},
    "walk.delta_help": {"ru": "Разница с вашим прогнозом", "en": "Difference from your guess"},
    "walk.after_reveal_real": {
        "ru": "Большинство ожидает оценку около нуля: шум ведь не похож на цифру. А этот D назвал оба шума "
        "настоящими цифрами: **{noise:.4f}** и **{binary:.4f}**. Такого шума он в обучении не встречал, поэтому "
        "его ответ здесь произволен. Следующие шаги показывают, насколько это общее явление.",
        "en": "Most people expect a score near zero: noise looks nothing like a digit. Yet this D called both noises "
        "real digits: **{noise:.4f}** and **{binary:.4f}**. It never met such noise in training, so its answer "
        "here is arbitrary. The next steps show how general this is.",
    },
    "walk.after_reveal_fake": {
        "ru": "Этот D отверг оба шума: **{noise:.4f}** и **{binary:.4f}**, как и ожидает большинство. Но это "
        "свойство его обучения, а не понимание: веса по умолчанию (рецепт блокнота) дают тому же гауссову шуму "
        "**{default_noise:.4f}**. Следующие шаги показывают, почему ответы так расходятся.",
        "en": "This D rejected both noises: **{noise:.4f}** and **{binary:.4f}**, as most people expect. That comes "
        "from how it was trained, not from understanding: the default weights (the notebook's recipe) give the same "
        "Gaussian noise **{default_noise:.4f}**. The next steps show why the answers differ so much.",
    },
    "walk.after_reveal_split": {
        "ru": "Этот D разошёлся сам с собой: гауссов шум — **{noise:.4f}**, бинарный — **{binary:.4f}**. Двум "
        "похожим картинкам, которых он не видел, он дал противоположные ответы: здесь его оценка произвольна.",
        "en": "This D disagrees with itself: Gaussian noise **{noise:.4f}**, binary noise **{binary:.4f}**. Two "
        "similar pictures it never saw got opposite answers: its score here is arbitrary.",
    },
    "walk.steps": {"ru": "Все страницы урока", "en": "All pages of the lesson"},
    "walk.notice": {"ru": "На что обратить внимание:", "en": "What to notice:"},
    "walk.footer": {
        "ru": "Язык переключается в боковой панели. Все вычисления идут на сервере со встроенными весами; "
        "свои веса можно загрузить на странице «Веса моделей».",
        "en": "Switch the language in the sidebar. Everything runs on the server with the shipped weights; "
        "you can upload your own on the Weights page.",
    },
    "step.interpolation.title": {"ru": "Смешивание шумов", "en": "Mixing latent noises"},
    "step.interpolation.notice": {
        "ru": "Картинка меняется плавно: с ростом α одна цифра перетекает в другую. Следите за графиком D вдоль "
        "пути: оценка не обязана быть высокой у «красивых» цифр и низкой у промежуточных. Хэш картинки "
        "при α = 1 — ответ на первый вопрос блокнота.",
        "en": "The picture changes smoothly: as α grows one digit flows into another. Watch D's curve along the "
        "path: the score need not be high for 'nice' digits and low for the in-between ones. The hash of "
        "the α = 1 image is the notebook's first answer.",
    },
    "step.distributions.title": {"ru": "Оценки на разных группах", "en": "Scores of whole groups"},
    "step.distributions.notice": {
        "ru": "Сравните, где лежат настоящие цифры и цифры генератора, а где — шум и фотографии. Если бы D(x) "
        "значило «похоже на цифру», шум получал бы оценки около нуля. Пунктиром отмечены примеры из "
        "блокнота: шум, бинарный шум, цифра генератора и кот.",
        "en": "Compare where real and generated digits fall, and where noise and photos fall. If D(x) meant "
        "'looks like a digit', noise would score near zero. Dashed lines mark the notebook's examples: "
        "noise, binary noise, the generated digit and the cat.",
    },
    "step.your_images.title": {"ru": "Ваши изображения", "en": "Your own images"},
    "step.your_images.notice": {
        "ru": "Загрузите фото или нарисуйте цифру. Посмотрите, во что картинка превращается при уменьшении до "
        "28×28, и где её оценка оказывается среди групп (процентиль). Сравните предобработку из блокнота "
        "и в стиле MNIST.",
        "en": "Upload a photo or draw a digit. See what the picture becomes at 28×28 and where its score lands "
        "among the groups (percentile). Compare the notebook's preprocessing with the MNIST-style one.",
    },
    "step.weights.title": {"ru": "Другие веса", "en": "Other weights"},
    "step.weights.notice": {
        "ru": "Дискриминаторы, обученные с другим seed или вместе с генератором, похоже ведут себя на цифрах, "
        "но по-разному — на шуме и фотографиях. Можно загрузить и веса из курса.",
        "en": "Discriminators trained with another seed, or jointly with the generator, behave alike on digits "
        "but differently on noise and photos. You can upload the course's weights too.",
    },
    "step.feature_space.title": {"ru": "Пространство признаков: почему так", "en": "Feature space: why it happens"},
    "step.feature_space.notice": {
        "ru": "Последний слой D — линейный: логит = w·φ + b. Его можно разложить на тягу «настоящих» признаков "
        "(w > 0) и давление «поддельных» (w < 0): на цифрах они почти гасят друг друга, а у высоких оценок чужих "
        "картинок настоящие признаки тянут сильнее. Страница показывает это разложение, плоскость, где ось X — сам "
        "логит, и измеренное расстояние до цифр.",
        "en": "D's last layer is linear: logit = w·φ + b. It splits into the pull of the 'real' units (w > 0) and the "
        "push of the 'fake' units (w < 0): on digits they nearly cancel, and where a foreign picture scores high, its "
        "real units pull harder. The page shows that split, a plane whose x axis is the logit itself, and the "
        "measured distance to the digits.",
    },
    "step.zoo.title": {"ru": "Зоопарк дискриминаторов", "en": "The discriminator zoo"},
    "step.zoo.notice": {
        "ru": "Все дискриминаторы ставят настоящие цифры выше сгенерированных, а оценки шума и фотографий зависят "
        "от seed, от генератора и от того, как собирались батчи при обучении (раздельные или смешанные): это и "
        "есть «произвольная» оценка. Там же — как оценки менялись по эпохам обучения.",
        "en": "Every discriminator ranks real digits above generated ones, while the scores of noise and photos "
        "depend on the seed, on the generator and on how the training batches were built (separate or mixed): "
        "that is what an 'arbitrary' score means. The page also shows how the scores moved epoch by epoch.",
    },
    # ----- interpolation -----
    "interp.title": {"ru": "Смешивание шумов", "en": "Mixing latent noises"},
    "interp.intro": {
        "ru": "Генератор превращает вектор шума z в цифру. Смешаем два шума: "
        "z = α·z₁ + (1 − α)·z₂. При α = 0 получаем цифру шума z₂, при α = 1 — цифру шума z₁. "
        "По умолчанию — пара из блокнота: `set_seed(108)`, затем два вызова `torch.randn(1, 100)`.",
        "en": "The generator turns a noise vector z into a digit. Mix two noises: z = α·z₁ + (1 − α)·z₂. "
        "α = 0 gives z₂'s digit, α = 1 gives z₁'s. The default is the notebook's pair: `set_seed(108)`, "
        "then two `torch.randn(1, 100)` calls.",
    },
    "interp.seed1": {"ru": "Seed шума 1", "en": "Seed of noise 1"},
    "interp.seed1_help": {
        "ru": "z₁ — первый вызов torch.randn после set_seed(этот seed).",
        "en": "z₁ is the first torch.randn call after set_seed(this seed).",
    },
    "interp.seed2": {"ru": "Seed шума 2", "en": "Seed of noise 2"},
    "interp.seed2_help": {
        "ru": "z₂ — второй вызов torch.randn после set_seed(этот seed). Оба 108 — пара из блокнота.",
        "en": "z₂ is the second torch.randn call after set_seed(this seed). Both 108: the notebook's pair.",
    },
    "interp.mode": {"ru": "Способ смешивания", "en": "Mixing"},
    "interp.mode_linear": {"ru": "Линейное (как в блокноте)", "en": "Linear (the notebook's)"},
    "interp.mode_spherical": {"ru": "Сферическое (slerp)", "en": "Spherical (slerp)"},
    "interp.mode_help": {
        "ru": "Линейная смесь посередине пути короче обычного шума (норма падает примерно в √2 раз). Сферическая "
        "идёт по дуге и сохраняет типичную длину вектора.",
        "en": "Linear mixing shortens the vector mid-path (its norm drops by about √2). Spherical mixing follows "
        "an arc and keeps the typical length.",
    },
    "interp.random_pair": {"ru": "Новая случайная пара", "en": "New random pair"},
    "interp.notebook_pair": {"ru": "Пара из блокнота", "en": "The notebook's pair"},
    "interp.strip_title": {
        "ru": "α из блокнота: 0; 0,25; 0,5; 0,75; 1",
        "en": "The notebook's α: 0, 0.25, 0.5, 0.75, 1",
    },
    "interp.caption": {"ru": "α = {alpha:.2f} · D = {p:.4f}", "en": "α = {alpha:.2f} · D = {p:.4f}"},
    "interp.download_strip": {"ru": "Скачать ряд (PNG)", "en": "Download the strip (PNG)"},
    "interp.alpha": {"ru": "α", "en": "α"},
    "interp.alpha_help": {"ru": "Доля шума 1 в смеси.", "en": "The share of noise 1 in the mix."},
    "interp.current": {"ru": "Картинка при α = {alpha:.3f}", "en": "Image at α = {alpha:.3f}"},
    "interp.score": {"ru": "Оценка D(x)", "en": "Score D(x)"},
    "interp.logit_is": {"ru": "Логит: {logit:.3f}", "en": "Logit: {logit:.3f}"},
    "interp.download_image": {"ru": "Скачать картинку (PNG)", "en": "Download the image (PNG)"},
    "interp.download_path": {"ru": "Скачать оценки вдоль пути (CSV)", "en": "Download the scores along the path (CSV)"},
    "interp.chart_title": {"ru": "Оценка дискриминатора вдоль пути", "en": "The discriminator's score along the path"},
    "interp.chart_subtitle": {"ru": "Пунктир — текущее α", "en": "Dashed line: the current α"},
    "interp.hash_title": {
        "ru": "Хэш картинки при α = 1 (ответ блокнота)",
        "en": "Hash of the α = 1 image (the notebook's answer)",
    },
    "interp.hash_text": {
        "ru": "sha256 от `gen_image[0].permute(1, 2, 0).numpy().tobytes()` для линейной смеси при α = 1, как "
        "считает блокнот. Совпадёт с ответом курса, если на странице «Веса моделей» загрузить "
        "`generator.pt` из курса и оставить пару из блокнота.",
        "en": "sha256 of `gen_image[0].permute(1, 2, 0).numpy().tobytes()` for linear mixing at α = 1, as the "
        "notebook computes it. It matches the course's answer once the course's `generator.pt` is "
        "uploaded on the Weights page and the notebook's pair is kept.",
    },
    # ----- distributions -----
    "dist.title": {"ru": "Распределения оценок D(x)", "en": "Distributions of D(x)"},
    "dist.intro": {
        "ru": "Дискриминатор оценивает N изображений каждой группы. Настоящие цифры и цифры генератора — то, на "
        "чём он учился; шум и фотографии он не видел никогда. Гистограммы считаются на сервере.",
        "en": "The discriminator scores N images of each group. Real and generated digits are what it trained "
        "on; noise and photos it never saw. Histograms are binned on the server.",
    },
    "dist.n": {"ru": "N изображений в группе", "en": "N images per group"},
    "dist.n_help": {
        "ru": "Больше N — глаже гистограммы, дольше первый расчёт.",
        "en": "Larger N: smoother histograms, a longer first computation.",
    },
    "dist.seed": {"ru": "Seed", "en": "Seed"},
    "dist.axis": {"ru": "Ось", "en": "Axis"},
    "dist.axis_help": {
        "ru": "Вероятность сжимает всё, что выше 0,99, в одну точку; логит показывает, насколько D уверен.",
        "en": "The probability squeezes everything above 0.99 into one spot; the logit shows how sure D is.",
    },
    "dist.computing": {"ru": "Дискриминатор оценивает группы…", "en": "The discriminator is scoring the groups…"},
    "dist.groups": {"ru": "Группы", "en": "Groups"},
    "dist.no_groups": {"ru": "Выберите хотя бы одну группу.", "en": "Pick at least one group."},
    "dist.chart_title": {"ru": "Оценки дискриминатора по группам", "en": "The discriminator's scores by group"},
    "dist.chart_subtitle": {
        "ru": "Пунктир — отдельные изображения: примеры из блокнота и ваши",
        "en": "Dashed lines: single images, the notebook's examples and yours",
    },
    "dist.summary": {"ru": "Сводка по группам", "en": "Summary by group"},
    "dist.download_summary": {"ru": "Сводка (CSV)", "en": "Summary (CSV)"},
    "dist.download_bins": {"ru": "Гистограммы (CSV)", "en": "Histograms (CSV)"},
    "dist.download_scores": {"ru": "Все оценки (CSV)", "en": "All scores (CSV)"},
    "dist.examples_title": {"ru": "Примеры из блокнота", "en": "The notebook's examples"},
    "dist.examples_text": {
        "ru": "Те же четыре входа, что в блокноте: шум (seed 42), бинарный шум (seed 43), цифра генератора "
        "(α = 1 из задания 1) и кот (chelsea из scikit-image вместо cat.jpeg).",
        "en": "The notebook's four inputs: noise (seed 42), binary noise (seed 43), the generated digit (α = 1 "
        "from task 1) and the cat (scikit-image's chelsea standing in for cat.jpeg).",
    },
    "dist.example_caption": {
        "ru": "{name}: D = {p:.4f}, логит {logit:.2f}",
        "en": "{name}: D = {p:.4f}, logit {logit:.2f}",
    },
    "dist.look_title": {"ru": "Как выглядят группы", "en": "What the groups look like"},
    # the reading under the chart (readings.unseen_reading), computed from the groups shown
    "dist.unseen_means": {
        "ru": "С этими весами в среднем: настоящие цифры — **{real:.4f}**{generated}.",
        "en": "With these weights, on average: real digits **{real:.4f}**{generated}.",
    },
    "dist.unseen_generated": {
        "ru": ", цифры генератора — **{generated:.4f}**",
        "en": ", generated digits **{generated:.4f}**",
    },
    "dist.unseen_some": {
        "ru": "**{k} из {m}** {m:plural:группы|групп|групп|группы}, которых D не видел при обучении, получают "
        "не меньше настоящих цифр: {names}.",
        "en": "**{k} of the {m}** {m:plural:group|groups} D never trained on score at least as high as real "
        "digits: {names}.",
    },
    "dist.unseen_none": {
        "ru": "Ни одна из {m} {m:plural:группы|групп|групп|группы}, которых D не видел при обучении, не получает "
        "столько же, сколько настоящие цифры.",
        "en": "None of the {m} {m:plural:group|groups} D never trained on scores as high as real digits.",
    },
    # ---- progressive results (issue 12 item 8) ----
    "progress.partial": {
        "ru": "{label} Пока показаны первые результаты: готово {share:.0%}.",
        "en": "{label} Showing the first results so far: {share:.0%} done.",
    },
    # ----- your images -----
    "mine.title": {"ru": "Ваши изображения", "en": "Your images"},
    "mine.intro": {
        "ru": "Загрузите картинки или нарисуйте цифру. Для каждой видно, что получает дискриминатор: исходник, "
        "оттенки серого и 28×28, его оценку и место среди групп.",
        "en": "Upload pictures or draw a digit. Each shows what the discriminator gets: the original, grayscale "
        "and 28×28, its score and where it stands among the groups.",
    },
    "mine.pipeline": {"ru": "Предобработка", "en": "Preprocessing"},
    "mine.pipeline_notebook": {"ru": "Как в блокноте", "en": "As in the notebook"},
    "mine.pipeline_mnist": {"ru": "В стиле MNIST", "en": "MNIST-style"},
    "mine.pipeline_help": {
        "ru": "Как в блокноте: серый, cv2.resize до 28×28, /127,5 − 1 (как с котом). В стиле MNIST: светлая "
        "цифра на тёмном фоне, обрезка по цифре, вписывание в 20×20 и центрирование по центру масс в 28×28.",
        "en": "The notebook's: grayscale, cv2.resize to 28×28, /127.5 − 1 (as with the cat). MNIST-style: a light "
        "digit on a dark background, cropped to the digit, fitted into 20×20 and centred by mass in 28×28.",
    },
    "mine.tab_upload": {"ru": "Загрузить", "en": "Upload"},
    "mine.tab_draw": {"ru": "Нарисовать", "en": "Draw"},
    "mine.uploader": {
        "ru": "Изображения (PNG, JPEG, WebP, GIF, BMP, TIFF, HEIC, AVIF)",
        "en": "Images (PNG, JPEG, WebP, GIF, BMP, TIFF, HEIC, AVIF)",
    },
    "mine.uploader_help": {
        "ru": "Можно несколько файлов сразу. Формат определяется по содержимому, а не по имени.",
        "en": "Several files at once are fine. The format is read from the content, not the name.",
    },
    "mine.upload_failed": {"ru": "Файл «{name}» не принят: {reason}", "en": "File '{name}' was not accepted: {reason}"},
    "mine.draw_help": {
        "ru": "Рисуйте белым по чёрному, как в MNIST: крупно, на весь квадрат.",
        "en": "Draw white on black, as in MNIST: big, filling the square.",
    },
    "mine.keep_drawing": {"ru": "Добавить рисунок в список", "en": "Add the drawing to the list"},
    "mine.empty": {
        "ru": "Пока нет изображений: загрузите файл или нарисуйте цифру.",
        "en": "No images yet: upload a file or draw a digit.",
    },
    "mine.list_title": {"ru": "Оценённые изображения ({count})", "en": "Scored images ({count})"},
    "mine.original": {"ru": "Исходник", "en": "Original"},
    "mine.gray": {"ru": "Оттенки серого", "en": "Grayscale"},
    "mine.model_view": {"ru": "28×28 — так видит модель", "en": "28×28, as the model sees it"},
    "mine.score": {"ru": "Оценка D(x)", "en": "Score D(x)"},
    "mine.logit_is": {"ru": "Логит: {logit:.3f}", "en": "Logit: {logit:.3f}"},
    "mine.percentile": {"ru": "выше, чем у {pct:.0f} % группы «{group}»", "en": "above {pct:.0f}% of {group}"},
    "mine.note": {"ru": "Примечание: {note}", "en": "Note: {note}"},
    "mine.source_upload": {"ru": "файл", "en": "file"},
    "mine.source_canvas": {"ru": "рисунок", "en": "drawing"},
    "mine.table_title": {"ru": "Все ваши изображения", "en": "All your images"},
    "mine.table_caption": {
        "ru": "Процентиль — доля изображений группы (N = {n}) с оценкой ниже вашей.",
        "en": "Percentile: the share of the group's images (N = {n}) scoring below yours.",
    },
    "mine.download_csv": {"ru": "Скачать оценки (CSV)", "en": "Download the scores (CSV)"},
    "mine.clear": {"ru": "Очистить список", "en": "Clear the list"},
    # ---- canvas on touch screens (issue 12) ----
    "mine.canvas_undo": {"ru": "Отменить штрих", "en": "Undo stroke"},
    "mine.canvas_clear": {"ru": "Стереть рисунок", "en": "Clear drawing"},
    "mine.drawing_name": {"ru": "Рисунок {n}", "en": "Drawing {n}"},
    # ---- end of canvas on touch screens ----
    # ----- weights -----
    "weights.title": {"ru": "Веса моделей", "en": "Model weights"},
    "weights.intro": {
        "ru": "Выберите, какие генератор и дискриминатор использует дашборд, или загрузите свои веса "
        "(`.pt` или `.safetensors`, например `generator.pt` и `discriminator.pt` из курса). Загруженные веса "
        "проверяются, никакой код из файла не выполняется, и они видны только в вашей вкладке браузера.",
        "en": "Choose the generator and discriminator the dashboard uses, or upload your own weights (`.pt` or "
        "`.safetensors`, e.g. the course's `generator.pt` and `discriminator.pt`). Uploads are checked, no "
        "code from a file is ever run, and they stay in your browser tab only.",
    },
    "weights.active_generator": {"ru": "Активный генератор", "en": "Active generator"},
    "weights.active_discriminator": {"ru": "Активный дискриминатор", "en": "Active discriminator"},
    "weights.help_generator": {
        "ru": "Влияет на цифры генератора и смешивание шумов.",
        "en": "Used for generated digits and interpolation.",
    },
    "weights.help_discriminator": {
        "ru": "Этап 1 — обучен вместе с генератором; этап 2 — обучен заново на настоящих цифрах против готового "
        "генератора (как дискриминатор в конце обучения GAN).",
        "en": "Phase 1: trained jointly with the generator; phase 2: trained afresh on real digits against the "
        "finished generator (like a discriminator late in GAN training).",
    },
    "weights.choice_shipped": {"ru": "{name} (этап {phase}, seed {seed})", "en": "{name} (phase {phase}, seed {seed})"},
    "weights.choice_generator": {"ru": "{name} (DCGAN, эпоха {epoch})", "en": "{name} (DCGAN, epoch {epoch})"},
    "weights.choice_joint": {
        "ru": "{name} (обучен вместе с генератором, эпоха {epoch})",
        "en": "{name} (trained jointly with the generator, epoch {epoch})",
    },
    "weights.choice_phase2": {
        "ru": "{name} ({scheme}, против готового генератора эпохи {generator_epoch}, seed {seed})",
        "en": "{name} ({scheme}, against the finished epoch-{generator_epoch} generator, seed {seed})",
    },
    "weights.choice_upload": {"ru": "Загружен: {name}", "en": "Uploaded: {name}"},
    "weights.choice_default_suffix": {"ru": " — по умолчанию", "en": " — default"},
    "weights.upload_generator": {"ru": "Загрузить веса генератора", "en": "Upload generator weights"},
    "weights.upload_discriminator": {"ru": "Загрузить веса дискриминатора", "en": "Upload discriminator weights"},
    "weights.upload_ok": {"ru": "«{name}» загружен и выбран.", "en": "'{name}' loaded and selected."},
    "weights.upload_failed": {
        "ru": "«{name}» не подошёл: {reason} Активные веса не изменились.",
        "en": "'{name}' cannot be used: {reason} The active weights are unchanged.",
    },
    "weights.examples_title": {
        "ru": "Примеры из блокнота с выбранными весами",
        "en": "The notebook's examples with the chosen weights",
    },
    "weights.examples_text": {
        "ru": "Сменив веса, сравните эти оценки.",
        "en": "Change the weights and compare these scores.",
    },
    "weights.card_title": {"ru": "Карточка модели", "en": "Model card"},
    "weights.no_card": {
        "ru": "Карточки модели (weights/README.md) пока нет.",
        "en": "There is no model card (weights/README.md) yet.",
    },
    "weights.loss_title": {"ru": "Кривые обучения", "en": "Training curves"},
    "weights.no_logs": {
        "ru": "Журналов обучения (weights/*.csv) пока нет.",
        "en": "No training logs (weights/*.csv) yet.",
    },
    "weights.loss_chart": {"ru": "Обучение: {name}", "en": "Training: {name}"},
    "weights.bad_log": {
        "ru": "Журнал {name} не читается и пропущен.",
        "en": "The log {name} cannot be read and is skipped.",
    },
    "weights.download_log": {"ru": "Скачать {name}", "en": "Download {name}"},
    "weights.grid_title": {"ru": "Что рисует генератор", "en": "What the generator draws"},
    "weights.grid_file": {
        "ru": "64 цифры поставленного генератора (weights/sample_grid.png)",
        "en": "64 digits of the shipped generator (weights/sample_grid.png)",
    },
    "weights.grid_live": {
        "ru": "64 цифры активного генератора (seed 0)",
        "en": "64 digits of the active generator (seed 0)",
    },
    "weights.download_grid": {"ru": "Скачать сетку (PNG)", "en": "Download the grid (PNG)"},
    # ----- errors (by gan_core's stable codes; details fill the placeholders) -----
    "error.image.empty": {"ru": "файл пустой.", "en": "the file is empty."},
    "error.image.too_large": {
        "ru": "файл слишком большой ({size} байт, предел — {limit}).",
        "en": "the file is too large ({size} bytes; the limit is {limit}).",
    },
    "error.image.too_many_pixels": {
        "ru": "в картинке {width}×{height} пикселей, а предел — {limit}. Уменьшите её и попробуйте снова.",
        "en": "the picture is {width}×{height} pixels and the limit is {limit}. Shrink it and try again.",
    },
    "error.image.unsupported_format": {
        "ru": "это не изображение в поддерживаемом формате (распознано: {detected}). Подойдут PNG, JPEG, WebP, GIF, "
        "BMP, TIFF, HEIC, AVIF.",
        "en": "this is not an image in a supported format (detected: {detected}). Use PNG, JPEG, WebP, GIF, BMP, "
        "TIFF, HEIC or AVIF.",
    },
    "error.image.corrupt": {"ru": "файл повреждён или обрезан.", "en": "the file is damaged or truncated."},
    "error.image.other": {"ru": "изображение не удалось прочитать.", "en": "the image could not be read."},
    "note.first_frame_of_animation": {
        "ru": "это анимация — взят первый кадр.",
        "en": "this is an animation; the first frame is used.",
    },
    "note.exif_rotated": {
        "ru": "картинка повёрнута по метке EXIF, как её показывает телефон.",
        "en": "the picture was rotated by its EXIF tag, as a phone shows it.",
    },
    "note.scaled_16bit": {
        "ru": "16-битные значения пересчитаны в 8 бит.",
        "en": "16-bit values were scaled to 8 bits.",
    },
    "note.alpha_composited": {
        "ru": "прозрачные места залиты фоном.",
        "en": "transparent areas were filled with the background.",
    },
    "note.inverted": {
        "ru": "тёмная цифра на светлом фоне — цвета инвертированы, как в MNIST.",
        "en": "a dark digit on a light background: colours inverted, as in MNIST.",
    },
    "error.weights.empty": {"ru": "файл пустой.", "en": "the file is empty."},
    "error.weights.too_large": {
        "ru": "файл слишком большой ({size_mb} МБ) для весов этой сети.",
        "en": "the file is too large ({size_mb} MB) for this network's weights.",
    },
    "error.weights.not_weights": {
        "ru": "это не файл весов PyTorch (.pt) или safetensors.",
        "en": "this is not a PyTorch (.pt) or safetensors weights file.",
    },
    "error.weights.corrupt": {"ru": "файл повреждён или обрезан.", "en": "the file is damaged or truncated."},
    "error.weights.torchscript": {
        "ru": "это архив TorchScript (в нём код), а нужен state_dict.",
        "en": "this is a TorchScript archive (it holds code); a state_dict is needed.",
    },
    "error.weights.unsafe": {
        "ru": "в файле есть объекты Python или код, а не только тензоры; он не загружен.",
        "en": "the file holds Python objects or code, not only tensors; it was not loaded.",
    },
    "error.weights.not_state_dict": {
        "ru": "в файле не словарь тензоров (state_dict).",
        "en": "the file does not hold a dictionary of tensors (a state_dict).",
    },
    "error.weights.keys": {
        "ru": "это не веса {kind} из блокнота: не хватает ключей {missing}, лишние ключи {unexpected}.",
        "en": "these are not weights of the notebook's {kind}: missing keys {missing}, unexpected keys {unexpected}.",
    },
    "kind.generator": {"ru": "генератора", "en": "generator"},  # genitive in Russian: «веса генератора»
    "kind.discriminator": {"ru": "дискриминатора", "en": "discriminator"},
    "error.weights.shape": {
        "ru": "у {key} форма {shape}, а нужна {expected}.",
        "en": "{key} has shape {shape}, expected {expected}.",
    },
    "error.weights.dtype": {
        "ru": "у {key} тип {dtype}, а нужны числа с плавающей точкой (float16, bfloat16, float32 или float64).",
        "en": "{key} has dtype {dtype}; floating-point numbers are needed (float16, bfloat16, float32 or float64).",
    },
    "error.weights.not_finite": {"ru": "в {key} есть NaN или бесконечности.", "en": "{key} contains NaN or infinity."},
    "error.weights.checksum": {
        "ru": "файл {name} не совпадает с контрольной суммой в manifest.json.",
        "en": "{name} does not match the checksum in manifest.json.",
    },
    "error.weights.other": {
        "ru": "файл не удалось загрузить как веса.",
        "en": "the file could not be loaded as weights.",
    },
    # ----- untrusted files (issue 13): the sandbox's breach, formats, non-files, hostile weights -----
    "error.image.undecodable": {
        "ru": "это файл {format}, но в разновидности формата, которую здесь не прочитать. Сохраните его заново "
        "как PNG или JPEG.",
        "en": "this is a {format} file, but in a variant of the format that cannot be decoded here. Save it again "
        "as PNG or JPEG.",
    },
    "error.image.decode_limit": {
        "ru": "чтение файла остановлено: ему нужно больше {memory_mb} МБ памяти, {cpu_s} с процессора или {wall_s} с "
        "всего. Так бывает со специально собранными файлами; обычный снимок укладывается с запасом.",
        "en": "decoding was stopped: the file needs more than {memory_mb} MB of memory, {cpu_s} s of processor time "
        "or {wall_s} s in all. Files built to do that behave so; an ordinary photo fits with room to spare.",
    },
    "error.image.not_a_file": {
        "ru": "это не обычный файл (а {kind}).",
        "en": "this is not a regular file but a {kind}.",
    },
    "error.weights.not_a_file": {
        "ru": "это не обычный файл (а {kind}).",
        "en": "this is not a regular file but a {kind}.",
    },
    "error.weights.archive_too_large": {
        "ru": "архив распаковывается в {size_mb} МБ, а весам сетей блокнота хватает {limit_mb} МБ; он не распакован.",
        "en": "the archive unpacks to {size_mb} MB, while the notebook's weights need at most {limit_mb} MB; it "
        "was not unpacked.",
    },
    "error.weights.not_dense": {
        "ru": "{key} — не обычный плотный тензор со значениями (разреженный или без данных).",
        "en": "{key} is not an ordinary dense tensor with values (it is sparse or holds no data).",
    },
    "error.weights.tensor_attributes": {
        "ru": "у тензора {key} есть атрибуты, заданные самим файлом; такой файл не загружается.",
        "en": "the tensor {key} carries attributes set by the file itself; such a file is not loaded.",
    },
    "error.weights.int_dtype": {
        "ru": "у {key} тип {dtype}, а нужен целочисленный тензор.",
        "en": "{key} has dtype {dtype}; an integer tensor is needed.",
    },
    "error.weights.unstable": {
        "ru": "веса загрузились, но на проверочных картинках (шум, настоящая и сгенерированная цифра) сеть выдаёт "
        "не числа (NaN или бесконечность); они не включены.",
        "en": "the weights loaded, but on the test inputs (noise, a real and a generated digit) the network gives "
        "no numbers (NaN or infinity); they were not switched on.",
    },
    "mine.score_not_finite": {
        "ru": "не число (NaN): с этими весами у картинки нет оценки",
        "en": "not a number (NaN): these weights give this image no score",
    },
    # ----- feature space (issue 4) -----
    "fs.title": {"ru": "Пространство признаков дискриминатора", "en": "The discriminator's feature space"},
    "fs.intro": {
        "ru": "Последний слой D — линейный: логит = w·φ(x) + b, где φ(x) — 4096 признаков, которые D извлёк из "
        "картинки. Главный график ставит по горизонтали сам логит, так что положение точки по оси X и есть её "
        "оценка. Логит — сумма двух противоборствующих частей: признаки с w > 0 тянут его вверх («настоящие»), с "
        "w < 0 — вниз («поддельные»). Какая картинка получит высокую оценку, решает этот баланс; ниже он измерен "
        "для каждой группы, как и расстояние до настоящих цифр.",
        "en": "D's last layer is linear: logit = w·φ(x) + b, where φ(x) are the 4,096 features D extracted from the "
        "picture. The main chart puts the logit itself across, so a point's position along x is its score. The "
        "logit is the sum of two opposing parts: the units with w > 0 pull it up ('real' units), those with w < 0 "
        "push it down ('fake' units). Which picture scores high is decided by that balance; below it is measured "
        "for every group, and so is the distance to the real digits.",
    },
    "fs.n": {"ru": "N изображений в группе", "en": "N images per group"},
    "fs.n_help": {
        "ru": "Столько изображений каждой группы идёт в PCA и метрики (и ещё N настоящих цифр — на "
        "обучение детекторов). Больше N — дольше первый расчёт.",
        "en": "This many images of each group go into the PCA and the metrics (plus N more real digits to "
        "fit the detectors). A larger N takes longer the first time.",
    },
    "fs.fit": {"ru": "PCA обучен на", "en": "PCA fitted on"},
    "fs.fit_own": {"ru": "мире D: настоящие + сгенерированные", "en": "D's own world: real + generated"},
    "fs.fit_all": {"ru": "всех группах", "en": "all groups"},
    "fs.fit_help": {
        "ru": "«Мир D» — только то, что дискриминатор видел при обучении. «Все группы» добавляют шум и "
        "фотографии, и главные оси разворачиваются к ним.",
        "en": "'D's own world' is only what the discriminator saw in training. 'All groups' adds noise "
        "and photos, and the main axes turn towards them.",
    },
    "fs.computing": {
        "ru": "Признаки считаются группа за группой; пока виден логит D у готовых групп, плоскости и метрики "
        "появятся, когда будут все.",
        "en": "Features are computed group by group; meanwhile you see D's logit for the groups done, the planes and "
        "metrics come once all are in.",
    },
    "fs.partial_title": {"ru": "Логит D у групп, что уже готовы", "en": "D's logit for the groups done so far"},
    "fs.partial_subtitle": {
        "ru": "Это ось X плоскости оценки ниже; её ось Y и метрики ждут признаков всех групп",
        "en": "This is the x axis of the score plane below; its y axis and the metrics wait for every group's features",
    },
    "fs.mine": {"ru": "Ваши изображения", "en": "Your images"},
    "fs.fooling": {"ru": "Обманное изображение", "en": "Fooling image"},
    "fs.views_title": {"ru": "Где лежат признаки", "en": "Where the features lie"},
    "fs.explained": {
        "ru": "Плоскость PCA, обученная на {fit}, объясняет **{total:.1f}%** разброса признаков "
        "(PC1 {pc1:.1f}%, PC2 {pc2:.1f}%).",
        "en": "The PCA plane fitted on {fit} explains **{total:.1f}%** of the feature variance "
        "(PC1 {pc1:.1f}%, PC2 {pc2:.1f}%).",
    },
    "fs.pc": {"ru": "PC{i} ({pct:.1f}% разброса)", "en": "PC{i} ({pct:.1f}% of variance)"},
    "fs.pca_title": {"ru": "Признаки φ(x) в плоскости PCA", "en": "Features φ(x) in the PCA plane"},
    "fs.pca_subtitle": {
        "ru": "Стрелка — направление w (куда растёт логит), пунктир — граница D = 0,5",
        "en": "Arrow: the direction of w (where the logit grows); dashed: the D = 0.5 boundary",
    },
    "fs.no_boundary": {
        "ru": "Граница D = 0,5 в этой плоскости проходит за пределами графика (или её нет): "
        "для точек плоскости логит везде одного знака.",
        "en": "In this plane the D = 0.5 boundary lies outside the chart (or does not exist): the "
        "logit of plane points has one sign everywhere in view.",
    },
    "fs.arrow_share": {"ru": "Доля |w| в этой плоскости", "en": "Share of |w| in this plane"},
    "fs.step": {"ru": "Шаг", "en": "Step"},
    "fs.cap_note": {
        "ru": "На графиках не больше {per_group} точек на группу ({cap} всего), чтобы страница "
        "оставалась быстрой; PCA и метрики используют все N = {n}. Наведите на точку, чтобы "
        "увидеть картинку.",
        "en": "The charts show at most {per_group} points per group ({cap} in all) to keep the page "
        "fast; the PCA and the metrics use all N = {n}. Hover over a point to see its picture.",
    },
    "fs.how_to_read": {"ru": "Как читать эти графики", "en": "How to read these charts"},
    "fs.reading_views": {
        "ru": "- **Сверху (плоскость оценки):** по горизонтали — точный логит (пунктир — D = 0,5), по вертикали — "
        "направление наибольшего разброса признаков после вычитания направления w (обучено на настоящих и "
        "сгенерированных цифрах). Ничего не спроецировано мимо: оценка — это ось.\n"
        "- **Слева (классическая PCA):** две главные оси признаков. Над графиком напечатано, какую долю w эта "
        "плоскость содержит; если долю малую, картинка показывает форму данных, а не причину оценок, и точка может "
        "оказаться «не с той» стороны пунктира.\n"
        "- **Справа:** логит против расстояния Махаланобиса (без учёта классов) от φ(x) до признаков обучающих "
        "цифр, шкала логарифмическая. Далёкая от цифр точка может получить и высокую, и низкую оценку: сравните "
        "дискриминаторы в «Зоопарке».",
        "en": "- **Top (the score plane):** across, the exact logit (dashed: D = 0.5); up, the direction of largest "
        "spread of the features once w's direction is removed (fitted on real and generated digits). Nothing is "
        "projected away: the score is an axis.\n"
        "- **Left (classic PCA):** the two main axes of the features. Printed above the chart is how much of w this "
        "plane holds; when that share is small, the picture shows the shape of the data, not the reason for the "
        "scores, and a point can sit on the 'wrong' side of the dashed line.\n"
        "- **Right:** the logit against the Mahalanobis distance (class-agnostic) from φ(x) to the fit digits' "
        "features, on a log scale. A point far from the digits can get a high score or a low one: compare the "
        "discriminators in the zoo.",
    },
    "fs.no_mine": {
        "ru": "Загрузите или нарисуйте картинку на странице «Ваши изображения» — она появится здесь ромбом.",
        "en": "Upload or draw a picture on the 'Your images' page and it appears here as a diamond.",
    },
    "fs.fool_title": {"ru": "Обманные изображения", "en": "Fooling images"},
    "fs.fool_intro": {
        "ru": "Начнём с гауссова шума и будем понемногу менять пиксели в ту сторону, где растёт логит D "
        "(градиентный подъём по входу). Картинка по-прежнему выглядит как шум, а D всё увереннее называет "
        "её настоящей цифрой. Путь виден на обоих графиках выше. Если шум и так получает почти 1, выберите "
        "на странице «Веса моделей» дискриминатор, обученный вместе с генератором: он отвергает шум, "
        "и тем нагляднее, как быстро его удаётся обмануть.",
        "en": "Start from Gaussian noise and nudge the pixels in the direction that raises D's logit (gradient "
        "ascent on the input). The picture still looks like noise, yet D calls it a real digit with growing "
        "confidence. Its path shows in both charts above. If noise already scores near 1, pick the "
        "discriminator trained jointly with the generator on the Weights page: it rejects noise, which makes "
        "it all the clearer how quickly it is fooled.",
    },
    "fs.fool_seed": {"ru": "Seed шума", "en": "Noise seed"},
    "fs.fool_steps": {"ru": "Число шагов подъёма", "en": "Ascent steps"},
    "fs.fool_steps_help": {
        "ru": "Каждый шаг сдвигает каждый пиксель на ±{size} (знак градиента).",
        "en": "Each step moves every pixel by ±{size} (the gradient's sign).",
    },
    "fs.fool_show": {"ru": "Показать путь на графиках", "en": "Show the path in the charts"},
    "fs.fool_start": {"ru": "Старт: шум, D = {p:.4f}", "en": "Start: noise, D = {p:.4f}"},
    "fs.fool_end": {
        "ru": "После {k} {k:plural:шага|шагов|шагов|шага}: D = {p:.4f}",
        "en": "After {k} {k:plural:step|steps}: D = {p:.4f}",
    },
    "fs.fool_change": {
        "ru": "Изменение (растянуто), max |Δ| = {linf:.2f}",
        "en": "The change (stretched), max |Δ| = {linf:.2f}",
    },
    "fs.fool_metric": {
        "ru": "D(x) после {k} {k:plural:шага|шагов|шагов|шага}",
        "en": "D(x) after {k} {k:plural:step|steps}",
    },
    "fs.fool_reached": {"ru": "D(x) ≥ 0,9 впервые на шаге {step}.", "en": "D(x) ≥ 0.9 first at step {step}."},
    "fs.fool_not_reached": {
        "ru": "D(x) ещё не достиг 0,9 — добавьте шагов.",
        "en": "D(x) has not reached 0.9 yet: add steps.",
    },
    "fs.fool_chart_title": {"ru": "Оценка D на каждом шаге", "en": "D's score at every step"},
    "fs.metrics_title": {"ru": "Детекторы «не из распределения» (OOD)", "en": "Out-of-distribution (OOD) detectors"},
    "fs.tab_auroc": {"ru": "AUROC (1 — идеально)", "en": "AUROC (1 is perfect)"},
    "fs.tab_fpr95": {"ru": "FPR95 (0 — идеально)", "en": "FPR95 (0 is perfect)"},
    "fs.det_raw_score": {"ru": "Оценка D", "en": "D's score"},
    "fs.det_mahalanobis": {"ru": "Махаланобис (без классов)", "en": "Mahalanobis (class-agnostic)"},
    "fs.det_knn": {"ru": "kNN (ненормир.)", "en": "kNN (unnormalised)"},
    "fs.det_feature_norm": {"ru": "Норма признаков", "en": "Feature norm"},
    "fs.metrics_summary": {
        "ru": "Средний AUROC по шуму и фотографиям: оценка D — **{raw:.3f}**, Махаланобис — **{maha:.3f}**, "
        "kNN — **{knn:.3f}**, норма признаков — **{norm:.3f}**.",
        "en": "Mean AUROC over noise and photos: D's score **{raw:.3f}**, Mahalanobis **{maha:.3f}**, "
        "kNN **{knn:.3f}**, feature norm **{norm:.3f}**.",
    },
    "fs.verdict_features": {
        "ru": "Расстояние в пространстве признаков отличает чужие картинки лучше, чем сама оценка D: D никогда "
        "не учился говорить «такого я не видел».",
        "en": "Distance in feature space tells foreign pictures apart better than D's own score: D was never "
        "trained to say 'I have not seen anything like this'.",
    },
    "fs.verdict_raw": {
        "ru": "У этих весов оценка D здесь не хуже расстояний в пространстве признаков — но это случайность "
        "обучения, а не гарантия: сравните дискриминаторы на странице «Зоопарк».",
        "en": "With these weights D's score does no worse here than feature-space distance, but that is luck of "
        "training, not a guarantee: compare the discriminators on the 'Zoo' page.",
    },
    "fs.metrics_how": {"ru": "Что означают числа", "en": "What the numbers mean"},
    "fs.metrics_definitions": {
        "ru": "Настоящие цифры — «свои» (in-distribution): детекторы обучены на {n} цифрах, проверка — на {n} "
        "других, отложенных. Каждый детектор выдаёт балл «насколько чужое».\n"
        "- **AUROC** — вероятность, что случайная картинка группы получит балл выше случайной настоящей "
        "цифры: 1 — идеально, 0,5 — наугад, ниже 0,5 — детектор путает стороны.\n"
        "- **FPR95** — доля картинок группы, принятых за свои, когда порог пропускает 95% настоящих цифр: "
        "0 — идеально.\n"
        "- **Оценка D**: балл 1 − D(x). **Махаланобис**: расстояние до среднего с ковариацией Ледуа–Вольфа. "
        "Она не различает классы цифр: одно среднее и одна ковариация на все (у Lee et al. 2018 — по классу). "
        "**kNN**: расстояние до 5-го ближайшего признака настоящей цифры, по ненормированным признакам (Sun et "
        "al. 2022 сначала нормируют их к длине 1). **Норма признаков**: балл −|φ| "
        "(знак выбран заранее, по литературе: у своих норма больше); AUROC ниже 0,5 значит, что у этой "
        "группы норма, наоборот, больше, чем у цифр.",
        "en": "Real digits are in-distribution: the detectors are fitted on {n} digits and tested on {n} other, "
        "held-out ones. Every detector gives a 'how foreign' score.\n"
        "- **AUROC**: the chance that a random picture of the group scores higher than a random real digit: "
        "1 is perfect, 0.5 is guessing, below 0.5 the detector has the sides reversed.\n"
        "- **FPR95**: the share of the group accepted as in-distribution when the threshold accepts 95% of "
        "real digits: 0 is perfect.\n"
        "- **D's score**: 1 − D(x). **Mahalanobis**: distance to the mean under a Ledoit–Wolf covariance. "
        "It is class-agnostic: one mean and one covariance for all digits (Lee et al. 2018 use one per class). "
        "**kNN**: distance to the 5th nearest real-digit feature, on unnormalised features (Sun et al. 2022 "
        "normalise them to length 1 first). **Feature norm**: score −|φ| (the sign is "
        "fixed in advance, from the literature: in-distribution norms are larger); an AUROC below 0.5 means "
        "this group has larger norms than the digits instead.",
    },
    "fs.download_metrics": {"ru": "Метрики (CSV)", "en": "Metrics (CSV)"},
    # ----- discriminator zoo (issue 4) -----
    "zoo.title": {"ru": "Зоопарк дискриминаторов", "en": "The discriminator zoo"},
    "zoo.intro": {
        "ru": "Несколько дискриминаторов одной архитектуры, обученных на тех же 4000 цифрах, но с разными seed и "
        "по-разному: вместе с генератором с самого начала или заново против готового генератора, на раздельных "
        "батчах (все настоящие, все поддельные — как в блокноте) или на смешанных. Сравните, где они сходятся "
        "и где расходятся: что показывает таблица, подсчитано под ней. Там, где оценки одной и той же картинки "
        "расходятся между дискриминаторами, они ничего не говорят о самой картинке.",
        "en": "Several discriminators with the same architecture, trained on the same 4,000 digits but with different "
        "seeds and in different ways: jointly with the generator from the start, or afresh against a finished "
        "generator, on separate batches (all real, all fake: the notebook's recipe) or on mixed ones. Compare where "
        "they agree and where they diverge: what the table shows is counted below it. Where the same picture's "
        "scores diverge between discriminators, those scores say nothing about the picture itself.",
    },
    "zoo.computing": {
        "ru": "Каждый дискриминатор оценивает группы…",
        "en": "Every discriminator is scoring the groups…",
    },
    "zoo.axis_mean": {"ru": "Среднее D(x)", "en": "Mean D(x)"},
    "zoo.axis_mean_logit": {"ru": "Средний логит", "en": "Mean logit"},
    "zoo.axis_help": {
        "ru": "Средний логит различает оценки, которые в D(x) все выглядят как 0 или 1.",
        "en": "The mean logit separates scores that all look like 0 or 1 as D(x).",
    },
    "zoo.discriminator": {"ru": "Дискриминатор", "en": "Discriminator"},
    "zoo.label_shipped": {"ru": "{name} (фаза {phase}, seed {seed})", "en": "{name} (phase {phase}, seed {seed})"},
    "zoo.label_upload": {"ru": "Ваш: {name}", "en": "Yours: {name}"},
    "zoo.label_joint": {"ru": "{name} (вместе с G, эпоха {epoch})", "en": "{name} (joint with G, epoch {epoch})"},
    "zoo.label_generator": {"ru": "{name} (DCGAN, эпоха {epoch})", "en": "{name} (DCGAN, epoch {epoch})"},
    "zoo.label_phase2": {
        "ru": "{name} ({scheme}, против G эпохи {generator_epoch}, seed {seed})",
        "en": "{name} ({scheme}, vs the epoch-{generator_epoch} G, seed {seed})",
    },
    "zoo.label_default_suffix": {"ru": ", по умолчанию", "en": ", default"},
    "zoo.chart_title": {"ru": "Средняя оценка D(x) по группам", "en": "Mean D(x) by group"},
    "zoo.chart_subtitle": {"ru": "Один столбик — один дискриминатор", "en": "One bar per discriminator"},
    "zoo.no_upload": {
        "ru": "Загрузите свой дискриминатор на странице «Веса моделей» — он появится здесь рядом с остальными.",
        "en": "Upload your own discriminator on the 'Weights' page and it appears here next to the others.",
    },
    "zoo.table_title": {"ru": "Среднее D(x): дискриминаторы × группы", "en": "Mean D(x): discriminators × groups"},
    "zoo.spread": {"ru": "Разброс (max − min)", "en": "Spread (max − min)"},
    "zoo.reading": {
        "ru": "Настоящие цифры получают в среднем больше, чем сгенерированные, у **{ordered} из {total}** "
        "дискриминаторов. Средняя оценка одной и той же группы шума или фотографий отличается между "
        "дискриминаторами до **{spread:.2f}**.",
        "en": "Real digits score higher on average than generated ones for **{ordered} of {total}** "
        "discriminators. The mean score of the same noise or photo group differs between discriminators "
        "by up to **{spread:.2f}**.",
    },
    "zoo.download": {"ru": "Средние по группам (CSV)", "en": "Group means (CSV)"},
    # ----- class mode (issue 14): rooms, the teacher's view, joining, the camera tab -----
    "nav.class": {"ru": "Режим класса", "en": "Class mode"},
    "class.title": {
        "ru": "Режим класса: один опыт на весь класс",
        "en": "Class mode: one experiment for the whole room",
    },
    "class.intro": {
        "ru": "Откройте комнату: ученики входят по короткому коду или QR-коду, их прогнозы и картинки собираются "
        "здесь, на оси оценок одного дискриминатора. Без учётных записей; комната живёт 24 часа, пока открыта "
        "эта страница, и удаляется целиком, когда вы её закроете.",
        "en": "Open a room: students join with a short code or the QR code, and their guesses and images gather "
        "here, on one discriminator's score axis. No accounts; a room lives 24 hours while this page is open and "
        "is deleted entirely when you close it.",
    },
    "class.create": {"ru": "Открыть новую комнату", "en": "Open a new room"},
    "class.open": {"ru": "Вернуться в комнату", "en": "Reopen a room"},
    "class.code": {"ru": "Код комнаты", "en": "Room code"},
    "class.code_help": {
        "ru": "Шесть символов с экрана учителя; регистр и пробелы не важны.",
        "en": "Six characters from the teacher's screen; case and spaces do not matter.",
    },
    "class.teacher_key": {"ru": "Ключ учителя", "en": "Teacher key"},
    "class.key_help": {
        "ru": "Только для вас: с ним страница учителя открывается снова (class?room=КОД&teacher=КЛЮЧ). "
        "Не показывайте его на проекторе.",
        "en": "For you only: it reopens the teacher's view (class?room=CODE&teacher=KEY). "
        "Do not show it on the projector.",
    },
    "class.code_for_students": {"ru": "Код для учеников:", "en": "Code for students:"},
    "class.link": {"ru": "Или по ссылке: {link}", "en": "Or by the link: {link}"},
    "class.gone": {
        "ru": "Этой комнаты больше нет: её закрыли или истёк срок.",
        "en": "This room is gone: it was closed or it expired.",
    },
    "class.students": {"ru": "Учеников", "en": "Students"},
    "class.guesses": {"ru": "Прогнозов", "en": "Guesses"},
    "class.images": {"ru": "Картинок", "en": "Images"},
    "class.hidden_count": {"ru": "Скрыто учителем: {n}", "en": "Hidden by the teacher: {n}"},
    "class.guess_title": {"ru": "Прогнозы класса: D(шум) = ?", "en": "The class's guesses: D(noise) = ?"},
    "class.axis_guess": {"ru": "Прогноз D(шум)", "en": "Guess of D(noise)"},
    "class.axis_students": {"ru": "Учеников", "en": "Students"},
    "class.answer": {"ru": "Ответ дискриминатора", "en": "The discriminator's answer"},
    "class.answer_label": {"ru": "D(шум) = {answer:.4f}", "en": "D(noise) = {answer:.4f}"},
    "class.answer_hidden": {
        "ru": "Ответ D появится на графике, когда вы откроете шаг для всех.",
        "en": "D's answer appears on the chart once you reveal the step to everyone.",
    },
    "class.guess_summary": {
        "ru": "Ближе чем на 0,1 к ответу D ({answer:.4f}): **{near} из {total}** прогнозов.",
        "en": "Within 0.1 of D's answer ({answer:.4f}): **{near} of {total}** guesses.",
    },
    "class.images_title": {"ru": "Картинки класса на оси оценок", "en": "The class's images on the score axis"},
    "class.no_images": {"ru": "Пока ни одной картинки.", "en": "No images yet."},
    "class.images_caption": {
        "ru": "Показано {shown} новейших видимых картинок (не показано {left_out}); оценки — под весами {weights}.",
        "en": "Showing the {shown} newest visible images ({left_out} left out); scores under the weights {weights}.",
    },
    "class.plane": {"ru": "Показать в пространстве признаков", "en": "Show in feature space"},
    "class.plane_help": {
        "ru": "Картинки класса на плоскости главных компонент страницы «Пространство признаков» (она "
        "подогнана на настоящих и сгенерированных цифрах), под весами комнаты.",
        "en": "The class's images in the Feature space page's principal-component plane (fitted on real and "
        "generated digits), under the room's weights.",
    },
    "class.plane_mine": {"ru": "Картинки класса", "en": "The class's images"},
    "class.controls": {"ru": "Управление", "en": "Controls"},
    "class.hide_title": {"ru": "Скрыть картинку", "en": "Hide an image"},
    "class.image": {"ru": "Картинка", "en": "Image"},
    "class.image_label": {"ru": "картинка №{id} · {source} · D = {p:.3f}", "en": "#{id} · {source} · D = {p:.3f}"},
    "class.hidden": {"ru": "скрыта", "en": "hidden"},
    "class.hide": {"ru": "Скрыть", "en": "Hide"},
    "class.show": {"ru": "Показать снова", "en": "Show again"},
    "class.pin_title": {"ru": "Веса комнаты", "en": "The room's weights"},
    "class.pin_generator": {"ru": "Генератор", "en": "Generator"},
    "class.pin_discriminator": {"ru": "Дискриминатор", "en": "Discriminator"},
    "class.pin": {"ru": "Закрепить для всей комнаты", "en": "Pin for the whole room"},
    "class.reveal_title": {"ru": "Шаг «Сначала предскажите»", "en": 'The step "Predict first"'},
    "class.reveal": {"ru": "Открыть ответ всем", "en": "Reveal the answer to everyone"},
    "class.close_title": {"ru": "Закрыть комнату", "en": "Close the room"},
    "class.close_sure": {
        "ru": "Да, удалить все прогнозы и картинки комнаты",
        "en": "Yes, delete all the room's guesses and images",
    },
    "class.close": {"ru": "Закрыть и удалить", "en": "Close and delete"},
    "class.joined": {"ru": "Вы в комнате **{code}**", "en": "You are in room **{code}**"},
    "class.pooled": {
        "ru": "С классом делятся: ваши прогнозы и каждая ваша картинка в виде входа модели 28×28 с её оценкой. "
        "Исходные фото и рисунки не покидают ваш браузер. Без имени.",
        "en": "Shared with the class: your guesses, and each of your images as its 28×28 model input with its "
        "score. Original photos and drawings never leave your browser session. No name is attached.",
    },
    "class.pooled_here": {
        "ru": "Вы в комнате {code}: каждая добавленная здесь картинка уходит классу в виде входа 28×28 с её "
        "оценкой (не исходное фото).",
        "en": "You are in room {code}: every image you add here goes to the class as its 28×28 input with its "
        "score (never the original photo).",
    },
    "class.join": {"ru": "Войти в комнату", "en": "Join the room"},
    "class.leave": {"ru": "Выйти из комнаты", "en": "Leave the room"},
    "class.camera": {"ru": "Сфотографируйте цифру на бумаге", "en": "Photograph a digit on paper"},
    "class.camera_help": {
        "ru": "Камера работает только по HTTPS или на localhost. На телефоне проще вкладка «Загрузить»: выбор "
        "файла предлагает «Снять фото». Фото проходит конвейер «фото бумаги»: тени и неровный свет убираются.",
        "en": "The camera needs HTTPS or localhost. On a phone the Upload tab is easier: its file picker offers "
        '"Take photo". The photo goes through the photo-of-paper pipeline: shadows and uneven light are removed.',
    },
    "mine.tab_camera": {"ru": "Фото бумаги", "en": "Photo of paper"},
    "mine.source_camera": {"ru": "камера", "en": "camera"},
    "mine.pipeline_paper": {"ru": "фото бумаги", "en": "photo of paper"},
    "class.error_bad_code": {
        "ru": "«{room}» — не код комнаты ({length} символов из {alphabet}).",
        "en": "'{room}' is not a room code ({length} characters from {alphabet}).",
    },
    "class.error_unknown_room": {"ru": "Открытой комнаты {room} нет.", "en": "There is no open room {room}."},
    "class.error_rate_limited": {
        "ru": "Слишком много неверных кодов: подождите минуту.",
        "en": "Too many wrong codes: wait a minute.",
    },
    "class.error_forbidden": {
        "ru": "Неверный ключ учителя комнаты {room}.",
        "en": "Wrong teacher key for room {room}.",
    },
    "class.error_room_full": {
        "ru": "В комнате {room} уже {limit} учеников.",
        "en": "Room {room} already has {limit} students.",
    },
    "class.error_not_joined": {"ru": "Вы не в комнате {room}.", "en": "You have not joined room {room}."},
    "class.error_image_limit": {
        "ru": "В комнату можно отправить не больше {limit} картинок; эта осталась только у вас.",
        "en": "At most {limit} images can go to the room; this one stays with you only.",
    },
    "class.error_guess_taken": {
        "ru": "Прогноз для этого шага уже отправлен.",
        "en": "This step's guess is already in.",
    },
    "class.error_bad_value": {"ru": "Значение вне допустимого диапазона.", "en": "A value is out of range."},
    # ----- issue 11: score plane, unit split, distance, BatchNorm effect, judges by scheme, training over time -----
    "group.cat": {"ru": "Кот из блокнота", "en": "The notebook's cat"},
    "scheme.separate": {"ru": "раздельные батчи", "en": "separate batches"},
    "scheme.mixed": {"ru": "смешанные батчи", "en": "mixed batches"},
    "scheme.joint": {"ru": "вместе с G", "en": "joint with G"},
    "fs.share": {
        "ru": "Эта плоскость содержит **{pct:.1f}%** вектора w (|Cw| / |w|: доля наклона логита, видимая в плоскости).",
        "en": "This plane holds **{pct:.1f}%** of w (|Cw| / |w|: the share of the logit's slope visible in the plane).",
    },
    "fs.score_title": {"ru": "Плоскость оценки: логит по оси X", "en": "The score plane: the logit across"},
    "fs.score_subtitle": {
        "ru": "По вертикали — главная компонента признаков, перпендикулярная w; пунктир — D = 0,5",
        "en": "Up: the top principal component of the features orthogonal to w; dashed: D = 0.5",
    },
    "fs.score_x": {"ru": "Логит w·φ + b (точный)", "en": "Logit w·φ + b (exact)"},
    "fs.score_y": {
        "ru": "Компонента ⊥ w ({pct:.1f}% остатка)",
        "en": "Component ⊥ w ({pct:.1f}% of the rest)",
    },
    "fs.distance": {
        "ru": "Расстояние до цифр (Махаланобис, лог.)",
        "en": "Distance to the digits (Mahalanobis, log)",
    },
    "fs.distance_short": {"ru": "Расст. до цифр", "en": "Distance to digits"},
    "fs.distance_title": {"ru": "Логит против расстояния до цифр", "en": "Logit against distance to the digits"},
    "fs.distance_subtitle": {
        "ru": "Одно среднее и ковариация на все цифры; пунктир — D = 0,5",
        "en": "One mean and covariance for all digits; dashed: D = 0.5",
    },
    "fs.units_header": {"ru": "Из чего складывается логит", "en": "What the logit is made of"},
    "fs.units_subtitle": {
        "ru": "Средние по группе; чёрная черта — средний логит (их сумма плюс смещение b)",
        "en": "Group means; black tick: the mean logit (their sum plus the bias b)",
    },
    "fs.units_axis": {"ru": "Вклад в логит", "en": "Contribution to the logit"},
    "fs.units_part": {"ru": "Часть", "en": "Part"},
    "fs.real_units": {"ru": "«Настоящие» признаки (w > 0)", "en": "'Real' units (w > 0)"},
    "fs.fake_units": {"ru": "«Поддельные» признаки (w < 0)", "en": "'Fake' units (w < 0)"},
    "fs.bias": {"ru": "Смещение b", "en": "Bias b"},
    "fs.units_reading": {
        "ru": "У настоящих цифр «настоящие» признаки тянут на **{real_pull:+.1f}**, «поддельные» давят на "
        "**{real_push:+.1f}**, средний логит **{real_logit:+.1f}**. У группы «{group}» тяга **{pull:+.1f}** против "
        "**{push:+.1f}**, средний логит **{logit:+.1f}**.",
        "en": "On real digits the 'real' units pull **{real_pull:+.1f}** and the 'fake' units push "
        "**{real_push:+.1f}**, a mean logit of **{real_logit:+.1f}**. On '{group}' they pull **{pull:+.1f}** against "
        "**{push:+.1f}**, a mean logit of **{logit:+.1f}**.",
    },
    "fs.reading_list_title": {"ru": "Что почитать", "en": "Further reading"},
    "fs.reading_list": {
        "ru": "- Nguyen, Yosinski, Clune (2015). *Deep neural networks are easily fooled: high confidence "
        "predictions for unrecognizable images.* CVPR — обманные изображения.\n"
        "- Hendrycks, Gimpel (2017). *A baseline for detecting misclassified and out-of-distribution examples in "
        "neural networks.* ICLR — максимум softmax как базовый детектор OOD.\n"
        "- Lee, Lee, Lee, Shin (2018). *A simple unified framework for detecting out-of-distribution samples and "
        "adversarial attacks.* NeurIPS — расстояние Махаланобиса по классам.\n"
        "- Hein, Andriushchenko, Bitterwolf (2019). *Why ReLU networks yield high-confidence predictions far away "
        "from the training data and how to mitigate the problem.* CVPR.\n"
        "- Sun, Ming, Zhu, Li (2022). *Out-of-distribution detection with deep nearest neighbors.* ICML — kNN на "
        "нормированных признаках.\n"
        "- Kliger, Fleishman (2018). *Novelty detection with GAN.* arXiv:1802.10560 — дискриминатор GAN как "
        "детектор новизны.",
        "en": "- Nguyen, Yosinski, Clune (2015). *Deep neural networks are easily fooled: high confidence "
        "predictions for unrecognizable images.* CVPR: fooling images.\n"
        "- Hendrycks, Gimpel (2017). *A baseline for detecting misclassified and out-of-distribution examples in "
        "neural networks.* ICLR: the maximum softmax probability as a baseline OOD detector.\n"
        "- Lee, Lee, Lee, Shin (2018). *A simple unified framework for detecting out-of-distribution samples and "
        "adversarial attacks.* NeurIPS: class-conditional Mahalanobis distance.\n"
        "- Hein, Andriushchenko, Bitterwolf (2019). *Why ReLU networks yield high-confidence predictions far away "
        "from the training data and how to mitigate the problem.* CVPR.\n"
        "- Sun, Ming, Zhu, Li (2022). *Out-of-distribution detection with deep nearest neighbors.* ICML: kNN on "
        "normalised features.\n"
        "- Kliger, Fleishman (2018). *Novelty detection with GAN.* arXiv:1802.10560: a GAN's discriminator as a "
        "novelty detector.",
    },
    "judges.title": {
        "ru": "Каждый дискриминатор как судья — на отложенных цифрах",
        "en": "Every shipped discriminator as a judge, on the held-out digits",
    },
    "judges.text": {
        "ru": "Измерено на 1000 отложенных настоящих цифрах (на них никто не обучался) и 1000 цифр generator.pt "
        "(seed 7): среднее D(x) тех и других и AUROC их различения (1 — идеально, 0,5 — наугад). Сгруппировано по "
        "способу обучения: раздельные батчи (все настоящие, все поддельные — рецепт блокнота), смешанные батчи "
        "(настоящие и сгенерированные перемешаны в одном батче), вместе с G (обучен с генератором с самого начала).",
        "en": "Measured on the 1,000 held-out real digits (never trained on) and 1,000 of generator.pt's digits "
        "(seed 7): the mean D(x) of each and the AUROC of telling them apart (1 = perfect, 0.5 = chance). Grouped "
        "by how each was trained: separate batches (all real, all fake: the notebook's recipe), mixed batches "
        "(real and generated shuffled into one batch), joint with G (trained with the generator from the start).",
    },
    "judges.file": {"ru": "Файл", "en": "File"},
    "judges.scheme": {"ru": "Способ обучения", "en": "Training scheme"},
    "judges.seed": {"ru": "Сид (seed)", "en": "Seed"},
    "judges.epochs": {"ru": "Эпох", "en": "Epochs"},
    "judges.default": {"ru": "По умолчанию", "en": "Default"},
    "judges.real": {"ru": "D настоящих", "en": "D real"},
    "judges.generated": {"ru": "D сгенерир.", "en": "D generated"},
    "judges.auroc": {"ru": "AUROC", "en": "AUROC"},
    # the column headers are short (the table fits a projector's width); what each means is in its tooltip
    "judges.real_help": {
        "ru": "Среднее D(x) на 1000 отложенных настоящих цифрах (ни одна модель на них не обучалась)",
        "en": "Mean D(x) on the 1,000 held-out real digits (no model ever trained on them)",
    },
    "judges.generated_help": {
        "ru": "Среднее D(x) на 1000 цифрах generator.pt (seed 7)",
        "en": "Mean D(x) on 1,000 digits of generator.pt (seed 7)",
    },
    "judges.auroc_help": {
        "ru": "AUROC различения настоящих и сгенерированных цифр: 1 — идеально, 0,5 — наугад",
        "en": "AUROC of telling real from generated digits: 1 is perfect, 0.5 is chance",
    },
    "judges.missing": {
        "ru": "В manifest.json нет отложенных оценок дискриминаторов: запустите scripts/write_manifest.py.",
        "en": "manifest.json holds no held-out figures for the discriminators: run scripts/write_manifest.py.",
    },
    "bn.title": {
        "ru": "Эффект BatchNorm: режим оценки против режима обучения",
        "en": "The BatchNorm effect: eval mode vs train mode",
    },
    "bn.text": {
        "ru": "BatchNorm нормирует слой статистиками. В режиме оценки (так оценивают все страницы и блокнот) — "
        "скользящими средними с обучения, одинаковыми для всех картинок. В режиме обучения — статистиками текущего "
        "батча. Дискриминатор на раздельных батчах видел только батчи «все настоящие» или «все поддельные», и в "
        "режиме обучения сам батч подсказывает ему, что перед ним. Здесь активный D оценивает каждую группу двумя "
        "способами: в режиме оценки и в режиме обучения на батчах по 64 картинки только этой группы (скользящие "
        "статистики не меняются). {n} картинок на группу; настоящие — отложенные цифры, кот — одна картинка.",
        "en": "BatchNorm normalises a layer with statistics. In eval mode (how every page and the notebook score) it "
        "uses running averages from training, the same for every picture. In train mode it uses the statistics of "
        "the batch at hand. A discriminator trained on separate batches only ever saw all-real or all-fake "
        "batches, so in train mode the batch itself tells it what it is looking at. Here the active D scores each "
        "group both ways: in eval mode, and in train mode on batches of 64 pictures of that group only (the "
        "running statistics stay untouched). {n} pictures per group; real = held-out digits; the cat is one picture.",
    },
    "bn.computing": {"ru": "Оцениваем группы в двух режимах…", "en": "Scoring the groups in both modes…"},
    "bn.eval": {"ru": "Режим оценки (как везде)", "en": "Eval mode (as everywhere)"},
    "bn.train": {"ru": "Обучение, однородные батчи", "en": "Train mode, one-group batches"},
    "bn.mode": {"ru": "Режим", "en": "Mode"},
    "bn.chart_title": {"ru": "Средняя оценка D(x) в двух режимах", "en": "Mean D(x) score in both modes"},
    "bn.reading": {
        "ru": "Настоящие цифры: **{real_eval:.2f}** в режиме оценки и **{real_train:.2f}** в режиме обучения на "
        "батчах из одних настоящих; сгенерированные: **{gen_eval:.2f}** и **{gen_train:.2f}**.",
        "en": "Real digits: **{real_eval:.2f}** in eval mode and **{real_train:.2f}** in train mode on all-real "
        "batches; generated ones: **{gen_eval:.2f}** and **{gen_train:.2f}**.",
    },
    "time.title": {"ru": "Оценки по ходу обучения", "en": "Scores over training"},
    "time.intro": {
        "ru": "Среднее D(x) по группам после каждой эпохи обучения (weights/scores_over_time.csv, 500 картинок на "
        "группу; настоящие — отложенные цифры; «сгенерированные» — всегда цифры generator.pt). Совместный "
        "дискриминатор — на каждой эпохе первого этапа, а внутри первой эпохи — после шагов оптимизатора 0 (не "
        "обучен), 1, 2, 4, 8, 16 и 32; дискриминаторы второго этапа — на каждой эпохе своего обучения.",
        "en": "Mean D(x) per group after every training epoch (weights/scores_over_time.csv, 500 pictures per group; "
        "real = held-out digits; 'generated' is always generator.pt's digits). The joint discriminator at every "
        "epoch of phase 1 and, within its first epoch, after optimiser steps 0 (untrained), 1, 2, 4, 8, 16 and 32; "
        "the phase-2 discriminators at every epoch of their own runs.",
    },
    "time.model": {"ru": "Дискриминатор", "en": "Discriminator"},
    "time.epoch": {"ru": "Эпоха", "en": "Epoch"},
    "time.chart_title": {"ru": "Среднее D(x) по эпохам", "en": "Mean D(x) by epoch"},
    "time.bars_title": {"ru": "После эпохи {epoch}", "en": "After epoch {epoch}"},
    "time.joint_reading": {
        "ru": "Совместный дискриминатор впервые оценивает гауссов шум ниже 0,1 после эпохи **{epoch}** (доли первой "
        "эпохи — шаги оптимизатора: 0,016 эпохи = 1 шаг из 62).",
        "en": "The joint discriminator first scores Gaussian noise below 0.1 after epoch **{epoch}** (fractions of the "
        "first epoch are optimiser steps: 0.016 epochs = 1 step of 62).",
    },
    "time.joint_never": {
        "ru": "Совместный дискриминатор ни на одной из {epochs} эпох не оценивает гауссов шум ниже 0,1.",
        "en": "The joint discriminator scores Gaussian noise at 0.1 or more in all {epochs} epochs.",
    },
    "time.scheme_reading": {
        "ru": "После последней эпохи гауссов шум получает в среднем **{separate:.2f}** у дискриминаторов на "
        "раздельных батчах и **{mixed:.2f}** — на смешанных.",
        "en": "After their last epoch, Gaussian noise gets **{separate:.2f}** on average from the separate-batch "
        "discriminators and **{mixed:.2f}** from the mixed-batch ones.",
    },
    "time.missing": {
        "ru": "Файл weights/scores_over_time.csv отсутствует или повреждён: запустите scripts/score_over_time.py.",
        "en": "weights/scores_over_time.csv is missing or malformed: run scripts/score_over_time.py.",
    },
    # ----- issue 12 (items 3, 4): the fooling climb's start, the guided lesson -----
    "fool.intro": {
        "ru": "Возьмём картинку, которую D отвергает, и будем понемногу менять пиксели в ту сторону, где растёт логит "
        "D (градиентный подъём по входу). Старт — та из {k} картинок выбранного источника (seed ниже), которой D "
        "ставит самую низкую оценку. Картинка почти не меняется, а D всё увереннее называет её настоящей цифрой. "
        "Путь виден на графиках выше.",
        "en": "Take a picture D rejects and nudge its pixels in the direction that raises D's logit (gradient ascent "
        "on the input). The start is the one of {k} pictures from the chosen source (seed below) that D scores "
        "lowest. The picture barely changes, yet D calls it a real digit with growing confidence. The path shows in "
        "the charts above.",
    },
    "fool.source": {"ru": "Начать с", "en": "Start from"},
    "fool.source_generated": {"ru": "цифры генератора", "en": "generated digit"},
    "fool.source_noise": {"ru": "шума", "en": "noise"},
    "fool.steps": {"ru": "Число шагов подъёма", "en": "Ascent steps"},
    "fool.start_generated": {
        "ru": "Старт: цифра генератора № {i} из {k}, D = {p:.4f}",
        "en": "Start: generated digit {i} of {k}, D = {p:.4f}",
    },
    "fool.start_noise": {"ru": "Старт: шум № {i} из {k}, D = {p:.4f}", "en": "Start: noise {i} of {k}, D = {p:.4f}"},
    "fool.reading_fooled": {
        "ru": "D отверг старт (**{start:.4f}**), а после {k} {k:plural:шага|шагов|шагов|шага}, сдвигавших каждый "
        "пиксель не больше чем на {linf:.2f}, называет картинку настоящей цифрой: **{end:.4f}** (≥ 0,9 уже на шаге "
        "{step}).",
        "en": "D rejected the start (**{start:.4f}**), yet after {k} {k:plural:step|steps} that moved no pixel by more "
        "than {linf:.2f} it calls the picture a real digit: **{end:.4f}** (≥ 0.9 from step {step}).",
    },
    "fool.reading_climbing": {
        "ru": "D отверг старт (**{start:.4f}**); после {k} {k:plural:шага|шагов|шагов|шага} — **{end:.4f}**, ещё "
        "ниже 0,9: добавьте шагов.",
        "en": "D rejected the start (**{start:.4f}**); after {k} {k:plural:step|steps} it gives **{end:.4f}**, still "
        "below 0.9: add steps.",
    },
    "fool.reading_accepted": {
        "ru": "Этот D не отвергает даже самый низкий старт: **{start:.4f}** > 0,1. Выберите другой источник или "
        "seed, чтобы подъём начинался с отказа.",
        "en": "This D does not reject even the lowest start: **{start:.4f}** > 0.1. Pick the other source or another "
        "seed so that the climb starts from a rejection.",
    },
    "walk.back": {"ru": "Назад", "en": "Back"},
    "walk.next": {"ru": "Дальше", "en": "Next"},
    "walk.progress": {"ru": "Шаг {k} из {m}", "en": "Step {k} of {m}"},
    "walk.explore_on": {"ru": "Подробнее на странице «{page}»", "en": "Explore on the {page} page"},
    "walk.step_noise": {"ru": "D смотрит на шум", "en": "D looks at noise"},
    "walk.step_digit": {"ru": "D смотрит на настоящую цифру", "en": "D looks at a real digit"},
    "walk.step_distributions": {"ru": "Целые группы картинок", "en": "Whole groups of pictures"},
    "walk.step_interpolation": {"ru": "Путь между двумя цифрами", "en": "A path between two digits"},
    "walk.step_cat": {"ru": "D смотрит на кота", "en": "D looks at a cat"},
    "walk.step_mechanism": {"ru": "Почему так: устройство D", "en": "Why: how D works inside"},
    "walk.predict_digit": {
        "ru": "Теперь D показывают настоящую рукописную цифру из MNIST — то, чему его и учили. Какую оценку он "
        "поставит?",
        "en": "Now D is shown a real handwritten MNIST digit, the very thing it was trained on. What score will it "
        "give?",
    },
    "walk.guess_digit": {"ru": "Мой прогноз D(цифра)", "en": "My guess for D(digit)"},
    "walk.digit_caption": {"ru": "Настоящая цифра", "en": "A real digit"},
    "walk.digit_reading_real": {
        "ru": "D назвал эту цифру настоящей: **{p:.4f}**. На всех {n} настоящих цифрах выборки его средняя "
        "оценка — **{mean:.4f}**, и {pct:.0f} % из них получают 0,5 или больше; цифры генератора — в среднем "
        "**{generated:.4f}**.",
        "en": "D called this digit real: **{p:.4f}**. Over all {n} real digits of the sample its mean score is "
        "**{mean:.4f}**, and {pct:.0f}% of them get 0.5 or more; the generator's digits get **{generated:.4f}** on "
        "average.",
    },
    "walk.digit_reading_fake": {
        "ru": "D дал настоящей цифре всего **{p:.4f}**, меньше 0,5. На всех {n} настоящих цифрах выборки его "
        "средняя оценка — **{mean:.4f}**, и лишь {pct:.0f} % из них получают 0,5 или больше; цифры генератора — в "
        "среднем **{generated:.4f}**. D учился отличать настоящие цифры от цифр генератора, а не оценивать, "
        "«насколько это цифра».",
        "en": "D gave a real digit only **{p:.4f}**, below 0.5. Over all {n} real digits of the sample its mean score "
        "is **{mean:.4f}**, and only {pct:.0f}% of them get 0.5 or more; the generator's digits get "
        "**{generated:.4f}** on average. D learned to tell real digits from the generator's, not how much a "
        "picture is a digit.",
    },
    "walk.distributions_text": {
        "ru": "Одна картинка — это случайность. Вот оценки D для {n} картинок каждой группы: настоящие цифры, цифры "
        "генератора, шумы и фотографии. Пунктиром отмечены примеры из блокнота.",
        "en": "One picture may be luck. Here are D's scores for {n} pictures of each group: real digits, generated "
        "digits, noises and photos. Dashed lines mark the notebook's examples.",
    },
    "walk.groups_ordered": {
        "ru": "настоящие цифры он оценивает выше цифр генератора",
        "en": "it rates real digits above the generator's",
    },
    "walk.groups_unordered": {
        "ru": "цифры генератора он оценивает не ниже настоящих",
        "en": "it rates the generator's digits no lower than real ones",
    },
    "walk.groups_noise_above": {
        "ru": "В среднем: настоящие цифры — **{real:.4f}**, цифры генератора — **{generated:.4f}**, гауссов шум — "
        "**{noise:.4f}**. Значит, {order}, но шуму ставит не меньше, чем настоящим цифрам.",
        "en": "On average: real digits **{real:.4f}**, generated digits **{generated:.4f}**, Gaussian noise "
        "**{noise:.4f}**. So {order}, yet it gives noise no less than real digits.",
    },
    "walk.groups_noise_below": {
        "ru": "В среднем: настоящие цифры — **{real:.4f}**, цифры генератора — **{generated:.4f}**, гауссов шум — "
        "**{noise:.4f}**. Значит, {order}, а шуму ставит меньше, чем настоящим цифрам.",
        "en": "On average: real digits **{real:.4f}**, generated digits **{generated:.4f}**, Gaussian noise "
        "**{noise:.4f}**. So {order}, and it gives noise less than real digits.",
    },
    "walk.interpolation_text": {
        "ru": "Генератор превращает шум z в цифру. Смешаем два шума z₁ и z₂ (α от 0 до 1): картинка плавно "
        "перетекает, а под каждой — оценка D.",
        "en": "The generator turns noise z into a digit. Mix two noises z₁ and z₂ (α from 0 to 1): the picture flows "
        "smoothly, and under each one is D's score.",
    },
    "walk.path_reading_varied": {
        "ru": "Вдоль пути оценка D меняется от **{low:.4f}** (α = {low_alpha:.2f}) до **{high:.4f}** "
        "(α = {high_alpha:.2f}): соседние, похожие картинки получают заметно разные оценки.",
        "en": "Along the path D's score ranges from **{low:.4f}** (α = {low_alpha:.2f}) to **{high:.4f}** "
        "(α = {high_alpha:.2f}): neighbouring, similar pictures get clearly different scores.",
    },
    "walk.path_reading_flat": {
        "ru": "Вдоль пути оценка D остаётся между **{low:.4f}** (α = {low_alpha:.2f}) и **{high:.4f}** "
        "(α = {high_alpha:.2f}): на этом пути D почти не меняет мнения.",
        "en": "Along the path D's score stays between **{low:.4f}** (α = {low_alpha:.2f}) and **{high:.4f}** "
        "(α = {high_alpha:.2f}): along this path D hardly changes its mind.",
    },
    "walk.predict_cat": {
        "ru": "Последний пример блокнота — фотография кота, уменьшенная до 28×28. Ни цифра, ни подделка генератора. "
        "Какую оценку даст D?",
        "en": "The notebook's last example is a photo of a cat shrunk to 28×28: neither a digit nor a generator's "
        "fake. What score will D give?",
    },
    "walk.guess_cat": {"ru": "Мой прогноз D(кот)", "en": "My guess for D(cat)"},
    "walk.cat_reading_real_above": {
        "ru": "D назвал кота настоящей цифрой: **{cat:.4f}** — не меньше, чем в среднем получают настоящие цифры "
        "(**{real:.4f}**), и больше цифры генератора из блокнота (**{generated:.4f}**).",
        "en": "D called the cat a real digit: **{cat:.4f}**, no less than real digits get on average (**{real:.4f}**) "
        "and more than the notebook's generated digit (**{generated:.4f}**).",
    },
    "walk.cat_reading_real_below": {
        "ru": "D назвал кота настоящей цифрой: **{cat:.4f}** ≥ 0,5, хотя и меньше средней оценки настоящих цифр "
        "(**{real:.4f}**); цифра генератора из блокнота получила **{generated:.4f}**.",
        "en": "D called the cat a real digit: **{cat:.4f}** ≥ 0.5, though less than real digits get on average "
        "(**{real:.4f}**); the notebook's generated digit got **{generated:.4f}**.",
    },
    "walk.cat_reading_fake_above": {
        "ru": "D отверг кота (**{cat:.4f}** < 0,5), но всё же оценил его не ниже, чем в среднем настоящие цифры "
        "(**{real:.4f}**); цифра генератора из блокнота получила **{generated:.4f}**.",
        "en": "D rejected the cat (**{cat:.4f}** < 0.5), yet rated it no lower than real digits on average "
        "(**{real:.4f}**); the notebook's generated digit got **{generated:.4f}**.",
    },
    "walk.cat_reading_fake_below": {
        "ru": "D отверг кота: **{cat:.4f}**, меньше 0,5 и меньше средней оценки настоящих цифр (**{real:.4f}**); "
        "цифра генератора из блокнота получила **{generated:.4f}**. Это свойство обучения этих весов: на другом "
        "шаге сравните дискриминаторы в зоопарке.",
        "en": "D rejected the cat: **{cat:.4f}**, below 0.5 and below real digits' mean (**{real:.4f}**); the "
        "notebook's generated digit got **{generated:.4f}**. That comes from how these weights were trained: compare "
        "the discriminators in the zoo.",
    },
    "walk.mechanism_text": {
        "ru": "Последний слой D линейный: логит = w·φ + b, где φ — 4096 признаков картинки. На плоскости ниже ось X — "
        "сам логит (пунктир — D = 0,5), ось Y — главное направление признаков поперёк w. Наведите на точку, чтобы "
        "увидеть картинку.",
        "en": "D's last layer is linear: logit = w·φ + b, with φ the picture's 4096 features. In the plane below the "
        "x axis is the logit itself (dashed: D = 0.5), the y axis the main direction of the features across w. "
        "Hover over a point to see its picture.",
    },
    "walk.units_text": {
        "ru": "Логит раскладывается на тягу «настоящих» признаков (w > 0) и давление «поддельных» (w < 0). "
        "Средние по группам:",
        "en": "The logit splits into the pull of the 'real' units (w > 0) and the push of the 'fake' units (w < 0). "
        "Means per group:",
    },
    "walk.end": {
        "ru": "Дальше исследуйте свободно: все страницы — в боковой панели и в списке ниже.",
        "en": "From here, explore freely: every page is in the sidebar and in the list below.",
    },
}


class _Blank(dict):
    def __missing__(self, key):  # a detail the error did not carry: leave a neutral mark, never crash
        return "…"


def browser_language() -> str:
    """en* browser locales -> "en"; anything else, or no locale (tests, old browsers) -> "ru"."""
    try:
        locale = st.context.locale
    except Exception:  # outside a script run
        locale = None
    return "en" if (locale or "").lower().startswith("en") else FALLBACK


def language() -> str:
    chosen = st.session_state.get(SESSION_KEY) if _in_session() else None
    return chosen if chosen in LANGUAGES else browser_language()


def _in_session() -> bool:
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        return get_script_run_ctx() is not None
    except Exception:
        return False


PLURAL_ORDER = ("zero", "one", "two", "few", "many", "other")  # CLDR's order of plural categories


class _LocaleFormatter(string.Formatter):
    """str.format with the language's conventions (CLDR data through Babel):

    - numbers keep their format spec (`{p:.4f}`, `{share:.1%}`) and take the language's decimal and group
      symbols: 0,5 and 12 345 in Russian, 0.5 and 12,345 in English; a percent sign as the language writes it;
    - `{n:plural:шаг|шага|шагов|шага}` picks the word for n by the language's plural rule, the forms listed in
      CLDR order of the language's categories (Russian: one|few|many|other, English: one|other).
    """

    def __init__(self, lang: str):
        self.locale = Locale.parse(lang)

    def format_field(self, value, format_spec: str) -> str:
        if format_spec.startswith("plural:"):
            forms = format_spec.removeprefix("plural:").split("|")
            tags = [tag for tag in PLURAL_ORDER if tag in self.locale.plural_form.tags or tag == "other"]
            tag = self.locale.plural_form(value)
            return forms[min(tags.index(tag), len(forms) - 1)]
        text = super().format_field(value, format_spec)
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            return text
        return self._localise(text, percent=format_spec.endswith("%"))

    def _localise(self, text: str, percent: bool) -> str:
        """A number formatted the Python way -> the language's symbols."""
        decimal, group = get_decimal_symbol(self.locale), get_group_symbol(self.locale)
        if percent:
            text = text.removesuffix("%")
        text = "".join({".": decimal, ",": group}.get(char, char) for char in text)
        if percent:
            pattern = self.locale.percent_formats[None].pattern  # "#,##0 %" or "#,##0%"
            text += pattern[pattern.rindex("0") + 1 :].replace("'", "")
        return text


@functools.cache
def _formatter(lang: str) -> _LocaleFormatter:
    return _LocaleFormatter(lang)


def t(key: str, lang: str | None = None, /, **fmt) -> str:
    """The text for `key` in the session's language (or `lang`), with `fmt` filled in the language's number and
    plural conventions (_LocaleFormatter). Unknown key: KeyError."""
    lang = lang or language()
    text = TEXT[key][lang]
    return _formatter(lang).vformat(text, (), _Blank(fmt)) if fmt else text


def number(value: float, spec: str = "", lang: str | None = None) -> str:
    """One number as the session's language writes it, e.g. number(0.25, ".4f") -> "0,2500" in Russian."""
    return _formatter(lang or language()).format_field(value, spec)


def number_slider(label: str, low: float, high: float, value: float, step: float, **kwargs) -> float:
    """A slider over [low, high] in `step`s whose value reads as the language writes numbers ("0,50" in Russian):
    st.slider prints its value with JavaScript's sprintf, which has no decimal comma. The options are the grid
    url_state.number snaps to, so a shared link's value is always one of them."""
    decimals = len(f"{step:g}".partition(".")[2])
    options = [round(low + k * step, 10) for k in range(round((high - low) / step) + 1)]
    lang = language()  # fixed now: format_func is also called after the run (AppTest)
    return st.select_slider(
        label, options, value=round(value, 10), format_func=lambda v: number(v, f".{decimals}f", lang), **kwargs
    )


def number_locale(lang: str | None = None) -> dict:
    """The language's number symbols for Vega's d3-format (a chart's config.locale.number): decimal comma and a
    no-break space between thousands in Russian, as Babel's CLDR data has them."""
    locale = Locale.parse(lang or language())
    pattern = locale.percent_formats[None].pattern  # "#,##0 %" or "#,##0%"
    return {
        "decimal": get_decimal_symbol(locale),
        "thousands": get_group_symbol(locale),
        "grouping": [3],
        "currency": ["", ""],
        "percent": pattern[pattern.rindex("0") + 1 :].replace("'", ""),
    }


def styled(frame, formats: dict[str, str]):
    """`frame` as st.dataframe should show it: the columns named in `formats` ({column: format spec, e.g. ".4f",
    ".1%"}) written as this language writes numbers (`number`), through a pandas Styler, so the data itself stays
    numeric (sorting, tests). Give those columns no NumberColumn format: it would override the Styler's text."""
    lang = language()
    formatters = {
        c: functools.partial(_styled_number, spec=spec, lang=lang) for c, spec in formats.items() if c in frame
    }
    return frame.style.format(formatters, na_rep="—")


def _styled_number(value, spec: str, lang: str) -> str:
    return number(value, spec, lang)


def uploader_texts() -> None:
    """Translate the file uploader's button ("Upload") and size note ("10MB per file • PNG, …"), which Streamlit
    writes in English with no option to change them: in Russian the page's CSS hides those words (font-size 0)
    and shows ours through ::after. The note's size is the server's own limit (server.maxUploadSize); the formats
    stay in the widget's label (Streamlit's own note lists every format and is cut with "…" in a column, so English
    gets the short note too). Call once on a page with an uploader."""
    import json

    button = json.dumps(t("chrome.upload"), ensure_ascii=False)
    limit = json.dumps(t("chrome.upload_limit", mb=st.get_option("server.maxUploadSize")), ensure_ascii=False)
    zone = '[data-testid="stFileUploaderDropzone"]'
    note = f'{zone} [data-testid="stFileUploaderDropzoneInstructions"] span'
    st.html(
        "<style>"
        f'{zone} button [data-testid="stMarkdownContainer"] p {{ font-size: 0; }}'
        f'{zone} button [data-testid="stMarkdownContainer"] p::after {{ content: {button}; font-size: 1rem; }}'
        f"{note} {{ font-size: 0; }}"
        f"{note}::after {{ content: {limit}; font-size: 0.875rem; }}"
        "</style>"
    )


def option_text(prefix: str):
    """A widget's format_func: option -> t(prefix + option) in this run's language, fixed now (the function is
    also called after the run, e.g. by AppTest, when the session's language can no longer be looked up)."""
    lang = language()
    return lambda option: t(f"{prefix}{option}", lang)


def error_text(area: str, exc: BaseException) -> str:
    """A translated message for a gan_core error with a stable `code` (area "image" or "weights")."""
    key = f"error.{area}.{getattr(exc, 'code', 'other')}"
    details = dict(getattr(exc, "details", None) or {})
    for name in ("missing", "unexpected"):
        if name in details:
            details[name] = ", ".join(map(str, details[name])) or "—"
    if details.get("kind") in ("generator", "discriminator"):
        details["kind"] = t(f"kind.{details['kind']}")
    return t(key if key in TEXT else f"error.{area}.other", **details)


def score_text(probability: float) -> str:
    """D's probability as the pages print it (4 decimals), or a translated "not a number", never "nan"."""
    return number(probability, ".4f") if math.isfinite(probability) else t("mine.score_not_finite")


def note_text(note: str) -> str:
    """A preprocessing note (gan_core.preprocess code) in the session's language; unknown codes as they are."""
    return t(f"note.{note}") if f"note.{note}" in TEXT else note


def _carry_widget_values() -> None:
    """The language switch's on_change: keep every option widget's choice in the new language.

    A radio, selectbox, multiselect or select_slider sends back the label it shows, so after a switch the old
    language's label ("0,25", "Логит D") matches no option and the choice is lost (a radio shows nothing selected,
    chips stay in the old language). Setting each value again from Python, as the options the old labels stand
    for, makes Streamlit send the widgets their choice under the new labels. Only plain values (text, numbers and
    lists of them): buttons (bool) refuse to be set, uploads and drawings need no carrying."""
    from streamlit.errors import StreamlitAPIException

    def plain(value) -> bool:
        return isinstance(value, (str, int, float, np.integer, np.floating)) and not isinstance(value, bool)

    for key in list(st.session_state):
        if key == SESSION_KEY:
            continue
        try:
            value = st.session_state[key]
        except (KeyError, StreamlitAPIException):
            continue
        if plain(value) or (isinstance(value, (list, tuple)) and value and all(plain(v) for v in value)):
            with contextlib.suppress(StreamlitAPIException):  # a widget that cannot be set: nothing to carry
                st.session_state[key] = value


def language_selector() -> str:
    """The sidebar's language switch (session key "lang"); returns the chosen language. The choice is also kept in
    the URL (?lang=en), so a reload or a link a teacher shares opens in the same language."""
    options = list(LANGUAGES)
    if SESSION_KEY not in st.session_state:
        from_url = st.query_params.get(SESSION_KEY)
        st.session_state[SESSION_KEY] = from_url if from_url in LANGUAGES else browser_language()
    choice = st.sidebar.radio(
        TEXT["sidebar.language"][FALLBACK],
        options,
        format_func=LANGUAGES.get,
        key=SESSION_KEY,
        horizontal=True,
        on_change=_carry_widget_values,
    )
    st.query_params[SESSION_KEY] = choice
    return choice
