"""Post texts written for the encoding tests, each in a language whose legacy encoding a
producer may still save in. Post-length (a few hundred to a thousand characters, as real
posts are) and short variants (a title and a line, where detectors guess)."""

from __future__ import annotations

__all__ = ["LONG", "SHORT", "post_text"]


def post_text(title: str, body: str, *, categories: str = "notes", tags: str = "") -> str:
    """A Jekyll post: front matter, then the body."""
    return (
        "---\nlayout: post\n"
        f'title: "{title}"\n'
        "date: 2024-05-18 09:30:00 +0200\n"
        f"categories: {categories}\n"
        f"tags: {tags}\n"
        "---\n\n"
        f"{body.strip()}\n"
    )


GERMAN = post_text(
    "Über Straße / Grüße aus München",
    """
Grüße aus München! Nach drei Tagen in der Stadt schreibe ich endlich ein paar Zeilen über
die Reise. Die Straße vor unserem Hotel führt direkt zum Viktualienmarkt, wo wir jeden Morgen
frische Brezn und Weißwürste gegessen haben. Für einen Großstädter aus dem Norden ist das
ungewöhnlich früh, aber die Bayern schwören darauf, dass man Weißwürste vor zwölf Uhr essen muss.

Am zweiten Tag sind wir mit dem Fahrrad entlang der Isar gefahren. Die Flussufer sind im Mai
voller Menschen, die grillen, lesen oder einfach in der Sonne liegen. Südlich der Innenstadt
wird es ruhiger, und man hört nur noch das Wasser über die Kiesbänke rauschen. Ein älterer Herr
erklärte uns, dass die Isar früher ein reißender Gebirgsfluss war, bevor man sie begradigt hat;
heute wird sie Stück für Stück wieder renaturiert.

Der Englische Garten ist größer als der Central Park in New York, und an der Eisbachwelle
stehen die Surfer schon morgens Schlange. Ich habe mich nicht getraut, aber das Zuschauen allein
war schön. Abends im Biergarten am Chinesischen Turm gab es Obatzda, Radieschen und eine Maß
Helles, für zwölf Euro ist das nicht billig, aber die Stimmung ist unbezahlbar.

Nächste Woche geht es weiter nach Salzburg. Bis dahin: herzliche Grüße an alle, die zu Hause
geblieben sind, und danke fürs Lesen!
""",
    categories="reisen",
    tags="münchen bayern fahrrad",
)

FRENCH = post_text(
    "Cœur de Paris : l’été des terrasses",
    """
« Un café, s’il vous plaît. » C’est la première phrase que j’ai prononcée en arrivant à Paris,
et elle m’a coûté 4,50 € — le prix d’une terrasse au soleil près de la place des Vosges. L’été
parisien a quelque chose d’inimitable : les façades claires, les marchés du dimanche, l’odeur
du pain chaud qui sort des boulangeries à sept heures du matin.

J’ai passé la matinée au musée d’Orsay, où l’œuvre de Monet occupe presque tout un étage. Les
nymphéas, les cathédrales de Rouen, les meules… On pourrait y rester des heures. À midi, un
bœuf bourguignon dans un bistrot de la rue du Bac, servi avec un verre de bourgogne : 18 € le
menu, café compris. Le serveur m’a expliqué que la recette vient de sa grand-mère, qui la
préparait « toujours la veille, sinon ce n’est pas bon ».

L’après-midi, j’ai longé les quais de Seine jusqu’à l’île de la Cité. Les bouquinistes ouvrent
leurs boîtes vertes vers quatorze heures ; on y trouve des cartes postales anciennes, des
romans de poche à 2 € et parfois une vraie trouvaille. J’ai acheté un vieux guide Michelin de
1962 pour 8 €, avec des annotations au crayon d’un voyageur inconnu.

Le soir, la lumière reste douce jusqu’à dix heures. On dîne tard, on marche encore plus tard, et
l’on se dit qu’il faudrait revenir à l’automne – quand les feuilles tombent sur les jardins du
Luxembourg et que les cafés rentrent leurs chaises. À bientôt, Paris !
""",
    categories="voyages",
    tags="paris été",
)

RUSSIAN = post_text(
    "Заметки о поездке на Байкал",
    """
Байкал давно был в моём списке мест, которые нужно увидеть своими глазами. В июле мы наконец
собрались: поезд из Москвы до Иркутска идёт почти четверо суток, и это отдельное приключение.
За окном сменяются леса, реки и небольшие станции, где продают пирожки, копчёную рыбу и ягоды.

Из Иркутска до Листвянки всего час на автобусе. Посёлок стоит прямо на берегу, и первое, что
поражает - прозрачность воды. Камни на дне видны на глубине нескольких метров, а вода даже
летом холодная: больше пяти минут в ней не выдержать. Местные жители говорят, что Байкал
очищает себя сам благодаря маленьким рачкам, которые живут только здесь.

На третий день мы отправились на остров Ольхон. Паром ходит по расписанию, но очередь из машин
бывает огромной, поэтому лучше приезжать рано утром. На острове почти нет асфальта, зато есть
степь, скалы и знаменитый мыс Бурхан. Вечером на берегу разводят костры, варят уху и поют песни
под гитару. Звёзды здесь такие яркие, каких я не видел ни в одном городе.

Обратно мы возвращались с ощущением, что увидели лишь малую часть озера. Следующим летом хотим
пройти по Большой Байкальской тропе и пожить несколько дней в палатке. Если у вас есть советы,
пишите в комментариях!
""",
    categories="путешествия",
    tags="байкал ольхон поезд",
)

CHINESE = post_text(
    "城市更新让老街区焕发新活力",
    """
近日，记者走访了市区几处正在进行改造的老街区。狭窄的巷道重新铺设了青石板，沿街的旧房屋经过加固后，
保留了原有的砖木结构和雕花窗棂，一些空置多年的院落也被改造成了社区书屋和老年活动中心。

住在巷子里七十多年的王阿姨告诉记者，过去一到雨天，门前就积水，出门都要穿胶鞋。“现在排水管道全部换了新的，
路灯也亮了，晚上出来散步的人越来越多。”她笑着说，孙子周末也愿意回来陪她住两天了。

据了解，本轮改造坚持“留改拆”并举，以保留利用为主，不搞大拆大建。项目负责人介绍，改造前，工作人员挨家挨户
征求意见，共收集居民建议三百余条，其中增设停车位、加装电梯、改善公共厕所等诉求都已纳入方案。

专家认为，老街区承载着城市的历史记忆，更新改造既要改善居住条件，也要守住城市的文化根脉。下一步，相关部门
将继续推进背街小巷整治，计划年内完成二十条街巷的提升工程，让更多居民在家门口感受到城市的变化。

（文章来源：本地新闻）
""",
    categories="城市",
    tags="城市更新 民生",
)

TRADITIONAL = post_text(
    "颱風過後的台南小吃之旅",
    """
颱風離開之後，天空終於放晴，我們決定照原定計畫南下台南，好好吃一輪。第一站是位於中西區的牛肉湯老店，
清晨五點就開門，店裡早已坐滿了人。溫體牛肉切得薄薄的，熱湯一沖就變成粉紅色，搭配一碗肉燥飯，
是台南人最道地的早餐。

吃飽後沿著神農街散步，兩旁的老房子改建成咖啡館和小書店，牆上還留著早年的招牌。中午我們到國華街
排隊買蝦捲和碗粿，老闆娘一邊包餐一邊跟客人聊天，說這條街上的攤子很多都已經傳了三代。

下午到安平老街逛逛，買了幾包蜜餞和豆花當點心。安平古堡的紅磚城牆在陽光下特別好看，登上瞭望台
可以看到整個港口。傍晚的夕陽把海面染成金黃色，許多遊客都拿出相機拍個不停。

晚餐去了赤崁樓附近的擔仔麵，湯頭鮮甜，配上一顆滷蛋和一盤燙青菜，簡單卻讓人回味無窮。這趟旅程雖然
只有兩天，卻讓我們更加了解這座城市的歷史與人情味，下次一定還要再來。
""",
    categories="旅遊",
    tags="台南 小吃",
)

JAPANESE = post_text(
    "京都で過ごした静かな週末",
    """
先週の週末、久しぶりに京都へ行ってきました。観光シーズンを少し外したので、いつもより人が少なく、
ゆっくりと街を歩くことができました。朝早く伏見稲荷大社に向かい、千本鳥居をくぐりながら山の上まで
登りました。鳥居の朱色と木々の緑がとても美しく、写真を撮りながら二時間ほどかかりました。

お昼は錦市場で食べ歩きをしました。出汁巻き卵や湯葉、京漬物など、どれも素朴な味ですが、素材の良さが
伝わってきます。店のおばあさんが「今の時期は筍がおいしいよ」と教えてくれたので、筍ご飯も買いました。

午後は哲学の道を散歩しました。川沿いの小道は静かで、途中の小さなカフェで抹茶と和菓子をいただきました。
銀閣寺では庭園の苔がしっとりと光っていて、時間がゆっくり流れているように感じました。

夜は先斗町の小さなお店で京料理をいただき、鴨川の夜風に当たりながらホテルまで歩いて帰りました。
次は紅葉の季節にもう一度訪れたいと思います。
""",
    categories="旅行",
    tags="京都 週末",
)

KOREAN = post_text(
    "제주도 한 달 살기 첫 주 기록",
    """
제주도에서 한 달 살기를 시작한 지 일주일이 지났습니다. 처음 며칠은 짐을 정리하고 동네를 익히느라
정신이 없었지만, 이제는 아침마다 바닷가를 산책하는 것이 하루의 시작이 되었습니다. 숙소는 애월읍의
작은 돌집인데, 창문을 열면 멀리 바다가 보여서 정말 마음에 듭니다.

월요일에는 오름에 올랐습니다. 새별오름은 생각보다 가파르지 않아서 천천히 걸어도 삼십 분이면 정상에
도착할 수 있었습니다. 정상에서 바라본 풍경은 말로 표현하기 어려울 만큼 아름다웠습니다. 바람이 세게
불어서 모자를 꼭 잡고 있어야 했습니다.

수요일에는 시장에 가서 귤과 고등어를 샀습니다. 시장 할머니께서 제주 사투리로 말씀하셔서 절반은
알아듣지 못했지만, 덤으로 귤을 한 봉지 더 주셨습니다. 저녁에는 고등어를 구워서 밥과 함께 먹었는데,
서울에서 먹던 것과는 맛이 완전히 달랐습니다.

다음 주에는 우도에 가 보려고 합니다. 날씨가 좋기를 바라면서, 오늘은 여기까지 기록을 남깁니다.
""",
    categories="여행",
    tags="제주도 한달살기",
)

# (text, the encodings it is saved in). GB18030 and GBK are the first producer's.
LONG: dict[str, tuple[str, tuple[str, ...]]] = {
    "german": (GERMAN, ("latin-1", "cp1252")),
    "french": (FRENCH, ("cp1252",)),
    "russian": (RUSSIAN, ("koi8-r", "cp1251")),
    "chinese": (CHINESE, ("gb18030", "gbk")),
    "traditional-chinese": (TRADITIONAL, ("big5",)),
    "japanese": (JAPANESE, ("shift_jis", "euc-jp")),
    "korean": (KOREAN, ("euc-kr",)),
}

# A title and one line: too little text for any detector to be sure of.
SHORT: dict[str, tuple[str, str]] = {
    "german": (post_text("Grüße", "Schöne Grüße aus München."), "latin-1"),
    "russian": (post_text("Привет", "Всем привет."), "koi8-r"),
    "chinese": (post_text("开站大吉", "祝贺开站"), "gb18030"),
    "traditional-chinese": (post_text("開站大吉", "祝賀開站"), "big5"),
    "japanese": (post_text("こんにちは", "京都より。"), "shift_jis"),
    "korean": (post_text("안녕하세요", "제주에서."), "euc-kr"),
}
