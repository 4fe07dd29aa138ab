# ruff: noqa: RUF001  (Persian and Chinese text legitimately contains look-alike characters)
"""Free-text template banks per language (en, vi, pl, fa, zh, de) with sentiment and complaint topics."""

from __future__ import annotations

import functools

import numpy as np
import pyarrow as pa

from cdp.datagen import locales as L
from cdp.datagen import vec as V

TOPICS: tuple[str, ...] = (
    "delivery_late",
    "damaged_item",
    "refund",
    "billing",
    "app_crash",
    "login_problem",
    "rude_staff",
    "price",
    "quality",
)

_BANK: dict[str, dict[str, list[str]]] = {
    "en": {
        "positive": [
            "Great product, works exactly as described.",
            "Fast delivery and excellent quality, very happy.",
            "Love it! Would definitely buy again.",
            "Friendly support and a smooth checkout, thank you.",
        ],
        "neutral": [
            "It is okay, does the job.",
            "Average product, nothing special.",
            "Delivery was on time, quality is fine for the price.",
        ],
        "title_pos": ["Excellent!", "Highly recommend", "Very satisfied"],
        "title_neu": ["It's okay", "Average", "Fine for the price"],
        "title_neg": ["Disappointed", "Would not recommend", "Terrible experience"],
        "delivery_late": [
            "My order arrived two weeks late.",
            "The delivery is late and tracking has not updated.",
        ],
        "damaged_item": [
            "The item arrived damaged and the box was crushed.",
            "Product was broken when I opened it.",
        ],
        "refund": [
            "I returned the item but still have not received my refund.",
            "Refund was promised but never came.",
        ],
        "billing": ["I was charged twice for the same order.", "There is a wrong amount on my invoice."],
        "app_crash": [
            "The app crashes every time I open my cart.",
            "The mobile app keeps crashing at checkout.",
        ],
        "login_problem": [
            "I cannot log in to my account.",
            "Password reset email never arrives, I am locked out.",
        ],
        "rude_staff": [
            "The staff in the store were rude to me.",
            "Customer service agent was rude and unhelpful.",
        ],
        "price": ["Way too expensive for what you get.", "The price went up again, not worth it."],
        "quality": ["Poor quality, it broke after a week.", "Cheap material, the quality is very bad."],
        "subj_delivery_late": ["Where is my order?"],
        "subj_damaged_item": ["Item arrived damaged"],
        "subj_refund": ["Refund not received"],
        "subj_billing": ["Charged twice"],
        "subj_app_crash": ["App crashes"],
        "subj_login_problem": ["Cannot log in"],
        "subj_rude_staff": ["Complaint about staff"],
        "subj_price": ["Price question"],
        "subj_quality": ["Product quality issue"],
        "inquiry_subject": ["Question about my order", "Change delivery address", "Product availability"],
        "inquiry": [
            "Could you tell me when my order will ship?",
            "Can I change the delivery address for my order?",
            "Will this product be back in stock soon?",
        ],
        "criteria": ["price", "quality", "fast delivery", "brand", "reviews", "customer service"],
    },
    "vi": {
        "positive": [
            "Sản phẩm rất tốt, đúng như mô tả.",
            "Giao hàng nhanh, chất lượng tuyệt vời.",
            "Rất hài lòng, sẽ mua lại lần sau.",
            "Nhân viên hỗ trợ nhiệt tình, cảm ơn shop.",
        ],
        "neutral": [
            "Sản phẩm tạm được.",
            "Chất lượng bình thường, không có gì đặc biệt.",
            "Giao hàng đúng hẹn, chất lượng ổn so với giá.",
        ],
        "title_pos": ["Tuyệt vời!", "Rất đáng mua", "Rất hài lòng"],
        "title_neu": ["Tạm ổn", "Bình thường", "Được so với giá"],
        "title_neg": ["Thất vọng", "Không nên mua", "Trải nghiệm tệ"],
        "delivery_late": [
            "Đơn hàng của tôi giao trễ hai tuần.",
            "Giao hàng chậm, mã vận đơn không cập nhật.",
        ],
        "damaged_item": ["Hàng bị hư hỏng khi nhận, hộp bị móp.", "Sản phẩm bị vỡ khi tôi mở ra."],
        "refund": ["Tôi đã trả hàng nhưng chưa nhận được tiền hoàn.", "Hứa hoàn tiền nhưng mãi chưa thấy."],
        "billing": ["Tôi bị trừ tiền hai lần cho cùng một đơn.", "Hóa đơn ghi sai số tiền."],
        "app_crash": ["Ứng dụng bị lỗi thoát ra khi mở giỏ hàng.", "App liên tục bị treo khi thanh toán."],
        "login_problem": [
            "Tôi không đăng nhập được vào tài khoản.",
            "Không nhận được email đặt lại mật khẩu.",
        ],
        "rude_staff": ["Nhân viên cửa hàng thái độ rất tệ.", "Nhân viên chăm sóc khách hàng thô lỗ."],
        "price": ["Giá quá đắt so với chất lượng.", "Giá lại tăng nữa, không đáng tiền."],
        "quality": ["Chất lượng kém, dùng một tuần đã hỏng.", "Chất liệu rẻ tiền, chất lượng rất tệ."],
        "subj_delivery_late": ["Đơn hàng của tôi đâu?"],
        "subj_damaged_item": ["Hàng bị hư hỏng"],
        "subj_refund": ["Chưa nhận được tiền hoàn"],
        "subj_billing": ["Bị trừ tiền hai lần"],
        "subj_app_crash": ["Ứng dụng bị lỗi"],
        "subj_login_problem": ["Không đăng nhập được"],
        "subj_rude_staff": ["Khiếu nại nhân viên"],
        "subj_price": ["Hỏi về giá"],
        "subj_quality": ["Chất lượng sản phẩm kém"],
        "inquiry_subject": ["Hỏi về đơn hàng", "Đổi địa chỉ giao hàng", "Còn hàng không?"],
        "inquiry": [
            "Khi nào đơn hàng của tôi được gửi đi?",
            "Tôi có thể đổi địa chỉ giao hàng không?",
            "Sản phẩm này khi nào có hàng lại?",
        ],
        "criteria": [
            "giá cả",
            "chất lượng",
            "giao hàng nhanh",
            "thương hiệu",
            "đánh giá",
            "dịch vụ khách hàng",
        ],
    },
    "pl": {
        "positive": [
            "Świetny produkt, zgodny z opisem.",
            "Szybka dostawa i doskonała jakość, jestem zadowolony.",
            "Polecam! Na pewno kupię ponownie.",
            "Miła obsługa i sprawna realizacja, dziękuję.",
        ],
        "neutral": [
            "Jest w porządku, spełnia swoje zadanie.",
            "Przeciętny produkt, nic szczególnego.",
            "Dostawa na czas, jakość w porządku jak na tę cenę.",
        ],
        "title_pos": ["Doskonały!", "Gorąco polecam", "Bardzo zadowolony"],
        "title_neu": ["W porządku", "Przeciętnie", "OK za tę cenę"],
        "title_neg": ["Rozczarowanie", "Nie polecam", "Fatalne doświadczenie"],
        "delivery_late": [
            "Zamówienie przyszło z dwutygodniowym opóźnieniem.",
            "Dostawa się spóźnia, brak śledzenia.",
        ],
        "damaged_item": [
            "Towar przyszedł uszkodzony, karton był zgnieciony.",
            "Produkt był zepsuty po otwarciu.",
        ],
        "refund": [
            "Zwróciłem towar, ale nadal nie dostałem zwrotu pieniędzy.",
            "Obiecano zwrot, którego nie ma.",
        ],
        "billing": ["Zostałem obciążony dwa razy za to samo zamówienie.", "Na fakturze jest błędna kwota."],
        "app_crash": [
            "Aplikacja zawiesza się przy otwieraniu koszyka.",
            "Aplikacja ciągle się wyłącza przy płatności.",
        ],
        "login_problem": ["Nie mogę zalogować się na konto.", "Nie dostaję maila do resetu hasła."],
        "rude_staff": ["Obsługa w sklepie była niemiła.", "Konsultant był nieuprzejmy i nie pomógł."],
        "price": ["Zdecydowanie za drogo.", "Cena znowu wzrosła, nie warto."],
        "quality": ["Słaba jakość, zepsuło się po tygodniu.", "Tani materiał, jakość bardzo zła."],
        "subj_delivery_late": ["Gdzie jest moje zamówienie?"],
        "subj_damaged_item": ["Uszkodzony towar"],
        "subj_refund": ["Brak zwrotu pieniędzy"],
        "subj_billing": ["Podwójne obciążenie"],
        "subj_app_crash": ["Aplikacja się zawiesza"],
        "subj_login_problem": ["Nie mogę się zalogować"],
        "subj_rude_staff": ["Skarga na obsługę"],
        "subj_price": ["Pytanie o cenę"],
        "subj_quality": ["Problem z jakością"],
        "inquiry_subject": ["Pytanie o zamówienie", "Zmiana adresu dostawy", "Dostępność produktu"],
        "inquiry": [
            "Kiedy zostanie wysłane moje zamówienie?",
            "Czy mogę zmienić adres dostawy?",
            "Czy ten produkt wróci do sprzedaży?",
        ],
        "criteria": ["cena", "jakość", "szybka dostawa", "marka", "opinie", "obsługa klienta"],
    },
    "fa": {
        "positive": [
            "محصول عالی است و دقیقا مطابق توضیحات.",
            "ارسال سریع و کیفیت عالی، خیلی راضی هستم.",
            "عالیه! حتما دوباره می‌خرم.",
            "پشتیبانی خوب و خرید راحت، ممنون.",
        ],
        "neutral": [
            "بد نیست، کارش را انجام می‌دهد.",
            "محصول معمولی است.",
            "ارسال به موقع بود، کیفیت نسبت به قیمت خوب است.",
        ],
        "title_pos": ["عالی!", "پیشنهاد می‌کنم", "خیلی راضی"],
        "title_neu": ["معمولی", "متوسط", "نسبت به قیمت خوب"],
        "title_neg": ["ناامید شدم", "پیشنهاد نمی‌کنم", "تجربه بد"],
        "delivery_late": ["سفارش من دو هفته دیر رسید.", "ارسال با تاخیر است و کد رهگیری به‌روز نشده."],
        "damaged_item": ["کالا آسیب دیده رسید و جعبه له شده بود.", "محصول هنگام باز کردن شکسته بود."],
        "refund": ["کالا را مرجوع کردم ولی هنوز پولم برنگشته.", "قول بازپرداخت دادند ولی انجام نشد."],
        "billing": ["برای یک سفارش دو بار از حسابم کم شد.", "مبلغ فاکتور اشتباه است."],
        "app_crash": ["برنامه هنگام باز کردن سبد خرید بسته می‌شود.", "اپلیکیشن موقع پرداخت مدام کرش می‌کند."],
        "login_problem": ["نمی‌توانم وارد حساب کاربری شوم.", "ایمیل بازیابی رمز عبور نمی‌رسد."],
        "rude_staff": ["کارکنان فروشگاه بی‌ادب بودند.", "کارشناس پشتیبانی بی‌ادب بود و کمکی نکرد."],
        "price": ["نسبت به کیفیت خیلی گران است.", "قیمت دوباره بالا رفت، ارزشش را ندارد."],
        "quality": ["کیفیت پایین، بعد از یک هفته خراب شد.", "جنس بی‌کیفیت است."],
        "subj_delivery_late": ["سفارش من کجاست؟"],
        "subj_damaged_item": ["کالای آسیب دیده"],
        "subj_refund": ["عدم بازپرداخت وجه"],
        "subj_billing": ["کسر وجه دوباره"],
        "subj_app_crash": ["خرابی برنامه"],
        "subj_login_problem": ["مشکل ورود به حساب"],
        "subj_rude_staff": ["شکایت از کارکنان"],
        "subj_price": ["سوال درباره قیمت"],
        "subj_quality": ["مشکل کیفیت محصول"],
        "inquiry_subject": ["سوال درباره سفارش", "تغییر آدرس ارسال", "موجودی کالا"],
        "inquiry": [
            "سفارش من کی ارسال می‌شود؟",
            "آیا می‌توانم آدرس ارسال را تغییر دهم؟",
            "این محصول کی موجود می‌شود؟",
        ],
        "criteria": ["قیمت", "کیفیت", "ارسال سریع", "برند", "نظرات کاربران", "خدمات مشتری"],
    },
    "zh": {
        "positive": [
            "产品很好，和描述一致。",
            "发货很快，质量非常好，很满意。",
            "非常喜欢！还会再买。",
            "客服热情，购物流程顺畅，谢谢。",
        ],
        "neutral": ["还可以，能用。", "一般般，没什么特别的。", "按时送达，质量和价格相符。"],
        "title_pos": ["非常好！", "强烈推荐", "很满意"],
        "title_neu": ["还行", "一般", "性价比还可以"],
        "title_neg": ["很失望", "不推荐", "体验很差"],
        "delivery_late": ["我的订单晚到了两个星期。", "物流太慢了，快递信息一直没有更新。"],
        "damaged_item": ["收到的商品已经损坏，箱子被压扁了。", "打开时产品就是坏的。"],
        "refund": ["我已经退货了，但是还没收到退款。", "答应退款但一直没有到账。"],
        "billing": ["同一个订单被扣了两次钱。", "发票上的金额不对。"],
        "app_crash": ["每次打开购物车应用就闪退。", "结账的时候手机应用一直崩溃。"],
        "login_problem": ["我无法登录我的账户。", "收不到重置密码的邮件。"],
        "rude_staff": ["门店店员态度很差。", "客服态度恶劣，没有帮助。"],
        "price": ["太贵了，不值这个价。", "又涨价了，不划算。"],
        "quality": ["质量很差，用了一周就坏了。", "材料很廉价，质量太差。"],
        "subj_delivery_late": ["我的订单在哪里？"],
        "subj_damaged_item": ["商品损坏"],
        "subj_refund": ["未收到退款"],
        "subj_billing": ["重复扣款"],
        "subj_app_crash": ["应用闪退"],
        "subj_login_problem": ["无法登录"],
        "subj_rude_staff": ["投诉店员"],
        "subj_price": ["价格咨询"],
        "subj_quality": ["产品质量问题"],
        "inquiry_subject": ["订单咨询", "修改收货地址", "商品库存"],
        "inquiry": ["请问我的订单什么时候发货？", "可以修改收货地址吗？", "这个商品什么时候补货？"],
        "criteria": ["价格", "质量", "发货速度", "品牌", "评价", "客户服务"],
    },
    "de": {
        "positive": [
            "Tolles Produkt, genau wie beschrieben.",
            "Schnelle Lieferung und super Qualität, sehr zufrieden.",
            "Super! Würde ich wieder kaufen.",
            "Freundlicher Kundenservice, danke.",
        ],
        "neutral": [
            "Ganz okay, erfüllt seinen Zweck.",
            "Durchschnittliches Produkt, nichts Besonderes.",
            "Lieferung pünktlich, Qualität für den Preis in Ordnung.",
        ],
        "title_pos": ["Ausgezeichnet!", "Sehr empfehlenswert", "Sehr zufrieden"],
        "title_neu": ["Ganz okay", "Durchschnitt", "Für den Preis in Ordnung"],
        "title_neg": ["Enttäuscht", "Nicht zu empfehlen", "Schlechte Erfahrung"],
        "delivery_late": [
            "Meine Bestellung kam zwei Wochen zu spät.",
            "Die Lieferung verspätet sich, keine Sendungsverfolgung.",
        ],
        "damaged_item": [
            "Die Ware kam beschädigt an, der Karton war zerdrückt.",
            "Das Produkt war beim Auspacken kaputt.",
        ],
        "refund": [
            "Ich habe die Ware zurückgeschickt, aber noch keine Erstattung erhalten.",
            "Die Rückerstattung kam nie an.",
        ],
        "billing": [
            "Mir wurde dieselbe Bestellung zweimal berechnet.",
            "Auf der Rechnung steht ein falscher Betrag.",
        ],
        "app_crash": [
            "Die App stürzt beim Öffnen des Warenkorbs ab.",
            "Die App stürzt beim Bezahlen immer ab.",
        ],
        "login_problem": [
            "Ich kann mich nicht in mein Konto einloggen.",
            "Die E-Mail zum Zurücksetzen des Passworts kommt nie an.",
        ],
        "rude_staff": [
            "Das Personal im Laden war unhöflich.",
            "Der Kundenservice war unfreundlich und nicht hilfreich.",
        ],
        "price": ["Viel zu teuer für das, was man bekommt.", "Der Preis ist schon wieder gestiegen."],
        "quality": [
            "Schlechte Qualität, nach einer Woche kaputt.",
            "Billiges Material, sehr schlechte Qualität.",
        ],
        "subj_delivery_late": ["Wo ist meine Bestellung?"],
        "subj_damaged_item": ["Ware beschädigt"],
        "subj_refund": ["Erstattung nicht erhalten"],
        "subj_billing": ["Doppelt abgebucht"],
        "subj_app_crash": ["App stürzt ab"],
        "subj_login_problem": ["Login nicht möglich"],
        "subj_rude_staff": ["Beschwerde über Personal"],
        "subj_price": ["Frage zum Preis"],
        "subj_quality": ["Qualitätsproblem"],
        "inquiry_subject": ["Frage zu meiner Bestellung", "Lieferadresse ändern", "Verfügbarkeit"],
        "inquiry": [
            "Wann wird meine Bestellung verschickt?",
            "Kann ich die Lieferadresse ändern?",
            "Ist dieses Produkt bald wieder verfügbar?",
        ],
        "criteria": ["Preis", "Qualität", "schnelle Lieferung", "Marke", "Bewertungen", "Kundenservice"],
    },
}


@functools.cache
def _flat(kind: str) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    pool: list[str] = []
    offs, counts = [], []
    for lang in L.LANGS:
        items = _BANK[lang][kind]
        offs.append(len(pool))
        counts.append(len(items))
        pool += items
    return V.sarr(pool), np.array(offs), np.array(counts)


def pick(rng: np.random.Generator, kind: str, lang: np.ndarray) -> pa.Array:
    """A random template of ``kind`` in each row's language (``lang`` = index into ``LANGS``)."""
    pool, offs, counts = _flat(kind)
    return pool.take(pa.array(V.pick_within(rng, offs, counts, lang)))


def by_topic(
    rng: np.random.Generator, prefix: str, topic: np.ndarray, lang: np.ndarray, shift: int = 0
) -> pa.Array:
    """Per-topic template (``prefix`` "" = complaint sentence, "subj_" = ticket subject). Rows get the same
    random draw for both ``shift`` values, so ``shift=1`` yields the *other* sentence of the topic."""
    out: pa.Array = V.nulls(len(topic))
    u = rng.random(len(topic))
    for t, name in enumerate(TOPICS):
        m = topic == t
        if m.any():
            pool, offs, counts = _flat(prefix + name)
            i = offs[lang] + ((u * counts[lang]).astype(np.int64) + shift) % counts[lang]
            out = V.where(m, pool.take(pa.array(i)), out)
    return out


def sentiment_text(
    rng: np.random.Generator, sentiment: np.ndarray, topic: np.ndarray, lang: np.ndarray
) -> pa.Array:
    """Sentence(s) for sentiment 2=positive, 1=neutral, 0=negative (negative mentions ``topic``)."""
    pos = V.cat(pick(rng, "positive", lang), " ", pick(rng, "positive", lang))
    neu = pick(rng, "neutral", lang)
    state = rng.bit_generator.state
    neg = by_topic(rng, "", topic, lang)
    rng.bit_generator.state = state
    other = by_topic(rng, "", topic, lang, shift=1)
    neg = V.where(rng.random(len(lang)) < 0.5, V.cat(neg, " ", other), neg)
    return V.where(sentiment == 2, pos, V.where(sentiment == 1, neu, neg))


def title(rng: np.random.Generator, sentiment: np.ndarray, lang: np.ndarray) -> pa.Array:
    return V.where(
        sentiment == 2,
        pick(rng, "title_pos", lang),
        V.where(sentiment == 1, pick(rng, "title_neu", lang), pick(rng, "title_neg", lang)),
    )
