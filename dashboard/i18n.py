"""The dashboard's one translation table (Russian and English) and the language selector.

Every user-facing string goes through `t(key, **fmt)`. Keys are "area.name"; each maps to {"ru": ..., "en": ...}
with str.format placeholders. The language is the sidebar choice, defaulting to the browser's locale
(`st.context.locale`: en* -> English, anything else or unknown -> Russian, the course's language).
"""
import string

import streamlit as st

LANGUAGES = {"ru": "Русский", "en": "English"}
FALLBACK = "ru"
SESSION_KEY = "lang"

TEXT: dict[str, dict[str, str]] = {
    # ----- navigation and sidebar -----
    "sidebar.language": {"ru": "Язык / Language", "en": "Language / Язык"},
    "nav.walkthrough": {"ru": "Урок по шагам", "en": "Walkthrough"},
    "nav.interpolation": {"ru": "Смешивание шумов", "en": "Interpolation"},
    "nav.distributions": {"ru": "Распределения оценок", "en": "Score distributions"},
    "nav.your_images": {"ru": "Ваши изображения", "en": "Your images"},
    "nav.weights": {"ru": "Веса моделей", "en": "Weights"},
    # ----- shared vocabulary -----
    "axis.probability": {"ru": "D(x): вероятность «настоящая цифра»", "en": "D(x): probability of 'real digit'"},
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
    "walk.title": {"ru": "Почему дискриминатор GAN ошибается на том, чего не видел",
                   "en": "Why a GAN discriminator is wrong about what it never saw"},
    "walk.intro": {
        "ru": "Генеративно-состязательная сеть (GAN) — это две нейросети, обученные друг против друга на "
              "рукописных цифрах MNIST. **Генератор G** превращает случайный шум z — вектор из 100 чисел — в "
              "картинку 28×28. **Дискриминатор D** смотрит на картинку и отвечает числом от 0 до 1. Здесь те же "
              "архитектуры, что и в учебном блокноте.",
        "en": "A generative adversarial network (GAN) is two neural networks trained against each other on "
              "handwritten MNIST digits. **The generator G** turns random noise z, a vector of 100 numbers, into "
              "a 28×28 picture. **The discriminator D** looks at a picture and answers with a number between 0 "
              "and 1. The architectures are the ones from the course notebook."},
    "walk.dx": {
        "ru": "**Что значит D(x).** Близко к 1 — «похоже на настоящую цифру из MNIST», близко к 0 — «подделка "
              "генератора». Но D учился только отличать настоящие цифры от цифр генератора. Всё остальное "
              "пространство картинок — шум, фотографии, ваши рисунки — он не видел ни разу, и там его ответ "
              "ничего не означает. Урок показывает это по шагам.",
        "en": "**What D(x) means.** Near 1: 'looks like a real MNIST digit'; near 0: 'a generator's fake'. But D "
              "only ever learned to tell real digits from the generator's digits. The rest of image space (noise, "
              "photos, your drawings) it never saw, and there its answer means nothing. The lesson shows this "
              "step by step."},
    "walk.predict_title": {"ru": "Сначала предскажите", "en": "Predict first"},
    "walk.predict_text": {
        "ru": "Дискриминатору показывают чистый случайный шум — ничего похожего на цифру. Какую оценку D(x) он "
              "поставит? Выберите свой прогноз, потом нажмите кнопку.",
        "en": "The discriminator is shown pure random noise, nothing like a digit. What D(x) will it give? Pick "
              "your guess, then press the button."},
    "walk.guess": {"ru": "Мой прогноз D(шум)", "en": "My guess for D(noise)"},
    "walk.reveal": {"ru": "Показать ответ", "en": "Reveal"},
    "walk.real_score": {"ru": "Оценка дискриминатора", "en": "Discriminator's score"},
    "walk.delta_help": {"ru": "Разница с вашим прогнозом", "en": "Difference from your guess"},
    "walk.after_reveal": {
        "ru": "Большинство ожидает оценку около нуля: шум ведь не похож на цифру. Но такого шума D в обучении "
              "не встречал, поэтому его ответ здесь произволен — в блокноте он уверенно назвал шум настоящей "
              "цифрой. Следующие шаги показывают, насколько это общее явление.",
        "en": "Most people expect a score near zero: noise looks nothing like a digit. But D never met such "
              "noise in training, so its answer here is arbitrary; in the notebook it confidently called the "
              "noise a real digit. The next steps show how general this is."},
    "walk.steps": {"ru": "Шаги урока", "en": "Steps of the lesson"},
    "walk.notice": {"ru": "На что обратить внимание:", "en": "What to notice:"},
    "walk.footer": {
        "ru": "Язык переключается в боковой панели. Все вычисления идут на сервере с поставленными весами; "
              "свои веса можно загрузить на странице «Веса моделей».",
        "en": "Switch the language in the sidebar. Everything runs on the server with the shipped weights; "
              "you can upload your own on the Weights page."},
    "step.interpolation.title": {"ru": "Смешивание шумов", "en": "Mixing latent noises"},
    "step.interpolation.notice": {
        "ru": "Картинка меняется плавно: с ростом α одна цифра перетекает в другую. Следите за графиком D вдоль "
              "пути: оценка не обязана быть высокой у «красивых» цифр и низкой у промежуточных. Хэш картинки "
              "при α = 1 — ответ на первый вопрос блокнота.",
        "en": "The picture changes smoothly: as α grows one digit flows into another. Watch D's curve along the "
              "path: the score need not be high for 'nice' digits and low for the in-between ones. The hash of "
              "the α = 1 image is the notebook's first answer."},
    "step.distributions.title": {"ru": "Оценки на разных группах", "en": "Scores of whole groups"},
    "step.distributions.notice": {
        "ru": "Сравните, где лежат настоящие цифры и цифры генератора, а где — шум и фотографии. Если бы D(x) "
              "значило «похоже на цифру», шум получал бы оценки около нуля. Пунктиром отмечены примеры из "
              "блокнота: шум, бинарный шум, цифра генератора и кот.",
        "en": "Compare where real and generated digits fall, and where noise and photos fall. If D(x) meant "
              "'looks like a digit', noise would score near zero. Dashed lines mark the notebook's examples: "
              "noise, binary noise, the generated digit and the cat."},
    "step.your_images.title": {"ru": "Ваши изображения", "en": "Your own images"},
    "step.your_images.notice": {
        "ru": "Загрузите фото или нарисуйте цифру. Посмотрите, во что картинка превращается при уменьшении до "
              "28×28, и где её оценка оказывается среди групп (процентиль). Сравните предобработку из блокнота "
              "и в стиле MNIST.",
        "en": "Upload a photo or draw a digit. See what the picture becomes at 28×28 and where its score lands "
              "among the groups (percentile). Compare the notebook's preprocessing with the MNIST-style one."},
    "step.weights.title": {"ru": "Другие веса", "en": "Other weights"},
    "step.weights.notice": {
        "ru": "Дискриминаторы, обученные с другим seed или вместе с генератором, похоже ведут себя на цифрах, "
              "но по-разному — на шуме и фотографиях. Можно загрузить и веса из курса.",
        "en": "Discriminators trained with another seed, or jointly with the generator, behave alike on digits "
              "but differently on noise and photos. You can upload the course's weights too."},
    # ----- interpolation -----
    "interp.title": {"ru": "Смешивание шумов", "en": "Mixing latent noises"},
    "interp.intro": {
        "ru": "Генератор превращает вектор шума z в цифру. Смешаем два шума: "
              "z = α·z₁ + (1 − α)·z₂. При α = 0 получаем цифру шума z₂, при α = 1 — цифру шума z₁. "
              "По умолчанию — пара из блокнота: `set_seed(108)`, затем два вызова `torch.randn(1, 100)`.",
        "en": "The generator turns a noise vector z into a digit. Mix two noises: z = α·z₁ + (1 − α)·z₂. "
              "α = 0 gives z₂'s digit, α = 1 gives z₁'s. The default is the notebook's pair: `set_seed(108)`, "
              "then two `torch.randn(1, 100)` calls."},
    "interp.seed1": {"ru": "Seed шума 1", "en": "Seed of noise 1"},
    "interp.seed1_help": {"ru": "z₁ — первый вызов torch.randn после set_seed(этот seed).",
                          "en": "z₁ is the first torch.randn call after set_seed(this seed)."},
    "interp.seed2": {"ru": "Seed шума 2", "en": "Seed of noise 2"},
    "interp.seed2_help": {"ru": "z₂ — второй вызов torch.randn после set_seed(этот seed). Оба 108 — пара из блокнота.",
                          "en": "z₂ is the second torch.randn call after set_seed(this seed). Both 108: the notebook's pair."},
    "interp.mode": {"ru": "Способ смешивания", "en": "Mixing"},
    "interp.mode_linear": {"ru": "Линейное (как в блокноте)", "en": "Linear (the notebook's)"},
    "interp.mode_spherical": {"ru": "Сферическое (slerp)", "en": "Spherical (slerp)"},
    "interp.mode_help": {
        "ru": "Линейная смесь посередине пути короче обычного шума (норма падает примерно в √2 раз). Сферическая "
              "идёт по дуге и сохраняет типичную длину вектора.",
        "en": "Linear mixing shortens the vector mid-path (its norm drops by about √2). Spherical mixing follows "
              "an arc and keeps the typical length."},
    "interp.random_pair": {"ru": "Новая случайная пара", "en": "New random pair"},
    "interp.notebook_pair": {"ru": "Пара из блокнота", "en": "The notebook's pair"},
    "interp.strip_title": {"ru": "α из блокнота: 0; 0,25; 0,5; 0,75; 1",
                           "en": "The notebook's α: 0, 0.25, 0.5, 0.75, 1"},
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
    "interp.hash_title": {"ru": "Хэш картинки при α = 1 (ответ блокнота)",
                          "en": "Hash of the α = 1 image (the notebook's answer)"},
    "interp.hash_text": {
        "ru": "sha256 от `gen_image[0].permute(1, 2, 0).numpy().tobytes()` для линейной смеси при α = 1, как "
              "считает блокнот. Совпадёт с ответом курса, если на странице «Веса моделей» загрузить "
              "`generator.pt` из курса и оставить пару из блокнота.",
        "en": "sha256 of `gen_image[0].permute(1, 2, 0).numpy().tobytes()` for linear mixing at α = 1, as the "
              "notebook computes it. It matches the course's answer once the course's `generator.pt` is "
              "uploaded on the Weights page and the notebook's pair is kept."},
    # ----- distributions -----
    "dist.title": {"ru": "Распределения оценок D(x)", "en": "Distributions of D(x)"},
    "dist.intro": {
        "ru": "Дискриминатор оценивает N изображений каждой группы. Настоящие цифры и цифры генератора — то, на "
              "чём он учился; шум и фотографии он не видел никогда. Гистограммы считаются на сервере.",
        "en": "The discriminator scores N images of each group. Real and generated digits are what it trained "
              "on; noise and photos it never saw. Histograms are binned on the server."},
    "dist.n": {"ru": "N изображений в группе", "en": "N images per group"},
    "dist.n_help": {"ru": "Больше N — глаже гистограммы, дольше первый расчёт.",
                    "en": "Larger N: smoother histograms, a longer first computation."},
    "dist.seed": {"ru": "Seed", "en": "Seed"},
    "dist.axis": {"ru": "Ось", "en": "Axis"},
    "dist.axis_help": {
        "ru": "Вероятность сжимает всё, что выше 0,99, в одну точку; логит показывает, насколько D уверен.",
        "en": "The probability squeezes everything above 0.99 into one spot; the logit shows how sure D is."},
    "dist.computing": {"ru": "Дискриминатор оценивает группы…", "en": "The discriminator is scoring the groups…"},
    "dist.groups": {"ru": "Группы", "en": "Groups"},
    "dist.no_groups": {"ru": "Выберите хотя бы одну группу.", "en": "Pick at least one group."},
    "dist.chart_title": {"ru": "Оценки дискриминатора по группам", "en": "The discriminator's scores by group"},
    "dist.chart_subtitle": {"ru": "Пунктир — отдельные изображения: примеры из блокнота и ваши",
                            "en": "Dashed lines: single images, the notebook's examples and yours"},
    "dist.summary": {"ru": "Сводка по группам", "en": "Summary by group"},
    "dist.download_summary": {"ru": "Сводка (CSV)", "en": "Summary (CSV)"},
    "dist.download_bins": {"ru": "Гистограммы (CSV)", "en": "Histograms (CSV)"},
    "dist.download_scores": {"ru": "Все оценки (CSV)", "en": "All scores (CSV)"},
    "dist.examples_title": {"ru": "Примеры из блокнота", "en": "The notebook's examples"},
    "dist.examples_text": {
        "ru": "Те же четыре входа, что в блокноте: шум (seed 42), бинарный шум (seed 43), цифра генератора "
              "(α = 1 из задания 1) и кот (chelsea из scikit-image вместо cat.jpeg).",
        "en": "The notebook's four inputs: noise (seed 42), binary noise (seed 43), the generated digit (α = 1 "
              "from task 1) and the cat (scikit-image's chelsea standing in for cat.jpeg)."},
    "dist.example_caption": {"ru": "{name}: D = {p:.4f}, логит {logit:.2f}",
                             "en": "{name}: D = {p:.4f}, logit {logit:.2f}"},
    "dist.look_title": {"ru": "Как выглядят группы", "en": "What the groups look like"},
    # ----- your images -----
    "mine.title": {"ru": "Ваши изображения", "en": "Your images"},
    "mine.intro": {
        "ru": "Загрузите картинки или нарисуйте цифру. Для каждой видно, что получает дискриминатор: исходник, "
              "оттенки серого и 28×28, его оценку и место среди групп.",
        "en": "Upload pictures or draw a digit. Each shows what the discriminator gets: the original, grayscale "
              "and 28×28, its score and where it stands among the groups."},
    "mine.pipeline": {"ru": "Предобработка", "en": "Preprocessing"},
    "mine.pipeline_notebook": {"ru": "Как в блокноте", "en": "The notebook's"},
    "mine.pipeline_mnist": {"ru": "В стиле MNIST", "en": "MNIST-style"},
    "mine.pipeline_help": {
        "ru": "Как в блокноте: серый, cv2.resize до 28×28, /127,5 − 1 (как с котом). В стиле MNIST: светлая "
              "цифра на тёмном фоне, обрезка по цифре, вписывание в 20×20 и центрирование по центру масс в 28×28.",
        "en": "The notebook's: grayscale, cv2.resize to 28×28, /127.5 − 1 (as with the cat). MNIST-style: a light "
              "digit on a dark background, cropped to the digit, fitted into 20×20 and centred by mass in 28×28."},
    "mine.tab_upload": {"ru": "Загрузить", "en": "Upload"},
    "mine.tab_draw": {"ru": "Нарисовать", "en": "Draw"},
    "mine.uploader": {"ru": "Изображения (PNG, JPEG, WebP, BMP, GIF)", "en": "Images (PNG, JPEG, WebP, BMP, GIF)"},
    "mine.uploader_help": {"ru": "Можно несколько файлов сразу. Формат определяется по содержимому, а не по имени.",
                           "en": "Several files at once are fine. The format is read from the content, not the name."},
    "mine.upload_failed": {"ru": "Файл «{name}» не принят: {reason}", "en": "File '{name}' was not accepted: {reason}"},
    "mine.draw_help": {"ru": "Рисуйте белым по чёрному, как в MNIST: крупно, на весь квадрат.",
                       "en": "Draw white on black, as in MNIST: big, filling the square."},
    "mine.keep_drawing": {"ru": "Добавить рисунок в список", "en": "Add the drawing to the list"},
    "mine.empty": {"ru": "Пока нет изображений: загрузите файл или нарисуйте цифру.",
                   "en": "No images yet: upload a file or draw a digit."},
    "mine.list_title": {"ru": "Оценённые изображения ({count})", "en": "Scored images ({count})"},
    "mine.original": {"ru": "Исходник", "en": "Original"},
    "mine.gray": {"ru": "Оттенки серого", "en": "Grayscale"},
    "mine.model_view": {"ru": "28×28 — так видит модель", "en": "28×28, as the model sees it"},
    "mine.score": {"ru": "Оценка D(x)", "en": "Score D(x)"},
    "mine.logit_is": {"ru": "Логит: {logit:.3f}", "en": "Logit: {logit:.3f}"},
    "mine.percentile": {"ru": "выше {pct:.0f}% группы «{group}»", "en": "above {pct:.0f}% of {group}"},
    "mine.note": {"ru": "Примечание: {note}", "en": "Note: {note}"},
    "mine.source_upload": {"ru": "файл", "en": "file"},
    "mine.source_canvas": {"ru": "рисунок", "en": "drawing"},
    "mine.table_title": {"ru": "Все ваши изображения", "en": "All your images"},
    "mine.table_caption": {"ru": "Процентиль — доля изображений группы (N = {n}) с оценкой ниже вашей.",
                           "en": "Percentile: the share of the group's images (N = {n}) scoring below yours."},
    "mine.download_csv": {"ru": "Скачать оценки (CSV)", "en": "Download the scores (CSV)"},
    "mine.clear": {"ru": "Очистить список", "en": "Clear the list"},
    # ----- weights -----
    "weights.title": {"ru": "Веса моделей", "en": "Model weights"},
    "weights.intro": {
        "ru": "Выберите, какие генератор и дискриминатор использует дашборд, или загрузите свои веса "
              "(`.pt` или `.safetensors`, например `generator.pt` и `discriminator.pt` из курса). Загруженные веса "
              "проверяются, никакой код из файла не выполняется, и они видны только в вашей вкладке браузера.",
        "en": "Choose the generator and discriminator the dashboard uses, or upload your own weights (`.pt` or "
              "`.safetensors`, e.g. the course's `generator.pt` and `discriminator.pt`). Uploads are checked, no "
              "code from a file is ever run, and they stay in your browser tab only."},
    "weights.active_generator": {"ru": "Активный генератор", "en": "Active generator"},
    "weights.active_discriminator": {"ru": "Активный дискриминатор", "en": "Active discriminator"},
    "weights.help_generator": {"ru": "Влияет на цифры генератора и смешивание шумов.",
                               "en": "Used for generated digits and interpolation."},
    "weights.help_discriminator": {
        "ru": "Этап 1 — обучен вместе с генератором; этап 2 — обучен заново на настоящих цифрах против готового "
              "генератора (как дискриминатор в конце обучения GAN).",
        "en": "Phase 1: trained jointly with the generator; phase 2: trained afresh on real digits against the "
              "finished generator (like a discriminator late in GAN training)."},
    "weights.choice_shipped": {"ru": "{name} (этап {phase}, seed {seed})", "en": "{name} (phase {phase}, seed {seed})"},
    "weights.choice_upload": {"ru": "Загружен: {name}", "en": "Uploaded: {name}"},
    "weights.upload_generator": {"ru": "Загрузить веса генератора", "en": "Upload generator weights"},
    "weights.upload_discriminator": {"ru": "Загрузить веса дискриминатора", "en": "Upload discriminator weights"},
    "weights.upload_ok": {"ru": "«{name}» загружен и выбран.", "en": "'{name}' loaded and selected."},
    "weights.upload_failed": {"ru": "«{name}» не подошёл: {reason} Активные веса не изменились.",
                              "en": "'{name}' cannot be used: {reason} The active weights are unchanged."},
    "weights.examples_title": {"ru": "Примеры из блокнота с выбранными весами",
                               "en": "The notebook's examples with the chosen weights"},
    "weights.examples_text": {"ru": "Сменив веса, сравните эти оценки.",
                              "en": "Change the weights and compare these scores."},
    "weights.card_title": {"ru": "Карточка модели", "en": "Model card"},
    "weights.no_card": {"ru": "Карточки модели (weights/README.md) пока нет.",
                        "en": "There is no model card (weights/README.md) yet."},
    "weights.loss_title": {"ru": "Кривые обучения", "en": "Training curves"},
    "weights.no_logs": {"ru": "Журналов обучения (weights/*.csv) пока нет.",
                        "en": "No training logs (weights/*.csv) yet."},
    "weights.loss_chart": {"ru": "Обучение: {name}", "en": "Training: {name}"},
    "weights.bad_log": {"ru": "Журнал {name} не читается и пропущен.",
                        "en": "The log {name} cannot be read and is skipped."},
    "weights.download_log": {"ru": "Скачать {name}", "en": "Download {name}"},
    "weights.grid_title": {"ru": "Что рисует генератор", "en": "What the generator draws"},
    "weights.grid_file": {"ru": "64 цифры поставленного генератора (weights/sample_grid.png)",
                          "en": "64 digits of the shipped generator (weights/sample_grid.png)"},
    "weights.grid_live": {"ru": "64 цифры активного генератора (seed 0)",
                          "en": "64 digits of the active generator (seed 0)"},
    "weights.download_grid": {"ru": "Скачать сетку (PNG)", "en": "Download the grid (PNG)"},
    # ----- errors (by gan_core's stable codes; details fill the placeholders) -----
    "error.image.empty": {"ru": "файл пустой.", "en": "the file is empty."},
    "error.image.too_large": {"ru": "файл слишком большой ({size} байт, предел — {limit}).",
                              "en": "the file is too large ({size} bytes; the limit is {limit})."},
    "error.image.too_many_pixels": {
        "ru": "в картинке {width}×{height} пикселей, а предел — {limit}. Уменьшите её и попробуйте снова.",
        "en": "the picture is {width}×{height} pixels and the limit is {limit}. Shrink it and try again."},
    "error.image.unsupported_format": {
        "ru": "это не изображение в поддерживаемом формате (распознано: {detected}). Подойдут PNG, JPEG, WebP, BMP, GIF.",
        "en": "this is not an image in a supported format (detected: {detected}). Use PNG, JPEG, WebP, BMP or GIF."},
    "error.image.corrupt": {"ru": "файл повреждён или обрезан.", "en": "the file is damaged or truncated."},
    "error.image.other": {"ru": "изображение не удалось прочитать.", "en": "the image could not be read."},
    "note.first_frame_of_animation": {"ru": "это анимация — взят первый кадр.",
                                      "en": "this is an animation; the first frame is used."},
    "note.exif_rotated": {"ru": "картинка повёрнута по метке EXIF, как её показывает телефон.",
                          "en": "the picture was rotated by its EXIF tag, as a phone shows it."},
    "note.scaled_16bit": {"ru": "16-битные значения пересчитаны в 8 бит.",
                          "en": "16-bit values were scaled to 8 bits."},
    "note.alpha_composited": {"ru": "прозрачные места залиты фоном.",
                              "en": "transparent areas were filled with the background."},
    "note.inverted": {"ru": "тёмная цифра на светлом фоне — цвета инвертированы, как в MNIST.",
                      "en": "a dark digit on a light background: colours inverted, as in MNIST."},
    "error.weights.empty": {"ru": "файл пустой.", "en": "the file is empty."},
    "error.weights.too_large": {"ru": "файл слишком большой ({size_mb} МБ) для весов этой сети.",
                                "en": "the file is too large ({size_mb} MB) for this network's weights."},
    "error.weights.not_weights": {"ru": "это не файл весов PyTorch (.pt) или safetensors.",
                                  "en": "this is not a PyTorch (.pt) or safetensors weights file."},
    "error.weights.corrupt": {"ru": "файл повреждён или обрезан.", "en": "the file is damaged or truncated."},
    "error.weights.torchscript": {"ru": "это архив TorchScript (в нём код), а нужен state_dict.",
                                  "en": "this is a TorchScript archive (it holds code); a state_dict is needed."},
    "error.weights.unsafe": {"ru": "в файле есть объекты Python или код, а не только тензоры; он не загружен.",
                             "en": "the file holds Python objects or code, not only tensors; it was not loaded."},
    "error.weights.not_state_dict": {"ru": "в файле не словарь тензоров (state_dict).",
                                     "en": "the file does not hold a dictionary of tensors (a state_dict)."},
    "error.weights.keys": {"ru": "это не веса {kind} из блокнота: не хватает ключей {missing}, лишние ключи {unexpected}.",
                           "en": "these are not weights of the notebook's {kind}: missing keys {missing}, unexpected keys {unexpected}."},
    "kind.generator": {"ru": "генератора", "en": "generator"},  # genitive in Russian: «веса генератора»
    "kind.discriminator": {"ru": "дискриминатора", "en": "discriminator"},
    "error.weights.shape": {"ru": "у {key} форма {shape}, а нужна {expected}.",
                            "en": "{key} has shape {shape}, expected {expected}."},
    "error.weights.dtype": {"ru": "у {key} тип {dtype}, а нужны числа с плавающей точкой.",
                            "en": "{key} has dtype {dtype}; floating-point numbers are needed."},
    "error.weights.not_finite": {"ru": "в {key} есть NaN или бесконечности.", "en": "{key} contains NaN or infinity."},
    "error.weights.checksum": {"ru": "файл {name} не совпадает с контрольной суммой в manifest.json.",
                               "en": "{name} does not match the checksum in manifest.json."},
    "error.weights.other": {"ru": "файл не удалось загрузить как веса.",
                            "en": "the file could not be loaded as weights."},
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


def t(key: str, lang: str | None = None, /, **fmt) -> str:
    """The text for `key` in the session's language (or `lang`), with `fmt` filled in. Unknown key: KeyError."""
    text = TEXT[key][lang or language()]
    return string.Formatter().vformat(text, (), _Blank(fmt)) if fmt else text


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


def note_text(note: str) -> str:
    """A preprocessing note (gan_core.preprocess code) in the session's language; unknown codes as they are."""
    return t(f"note.{note}") if f"note.{note}" in TEXT else note


def language_selector() -> str:
    """The sidebar's language switch (session key "lang"); returns the chosen language."""
    options = list(LANGUAGES)
    return st.sidebar.radio(TEXT["sidebar.language"][FALLBACK], options, index=options.index(browser_language()),
                            format_func=LANGUAGES.get, key=SESSION_KEY, horizontal=True)
